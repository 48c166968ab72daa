import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPublicAddress } from './address-guard.ts';

export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Sandbox mode: loopback and private receivers allowed. */
  allowPrivate: boolean;
  /** Aborts the attempt (a dispatcher stopping); its outcome is then not recorded. */
  signal?: AbortSignal;
}

export interface WebhookAnswer {
  /** The receiver's HTTP status; absent when none came (refused, timeout, network). */
  status?: number;
  /** At most `excerptBytes` of the answer, as text. */
  excerpt?: string;
  error?: string;
}

export const excerptBytes = 256;

/**
 * One delivery attempt. Redirects are answers, never followed (a 3xx is a failure); the
 * connection goes only to addresses checked at connect time; the answer is read up to a
 * short excerpt and the socket closed.
 */
export function postWebhook(p: WebhookPost): Promise<WebhookAnswer> {
  let url: URL;
  try {
    url = new URL(p.url);
  } catch {
    return Promise.resolve({ error: 'invalid URL' });
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!p.allowPrivate && isIP(host) && !isPublicAddress(host)) {
    return Promise.resolve({ error: 'refused: the endpoint is a non-public address' });
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: WebhookAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const req = client.request(url, {
      method: 'POST',
      headers: {
        ...p.headers,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(p.body),
        'user-agent': 'Ledgergraph-Webhooks/1',
      },
      ...(p.allowPrivate ? {} : { lookup: guardedLookup }),
      signal: p.signal,
      agent: false,
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ error: `timeout after ${p.timeoutMs} ms` });
    }, p.timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => {
        res.destroy();
        done({
          status: res.statusCode,
          excerpt: Buffer.concat(chunks).subarray(0, excerptBytes).toString('utf8'),
        });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= excerptBytes) finish();
      });
      res.on('end', finish);
      res.on('error', finish);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      done({
        error:
          error.name === 'RefusedAddressError'
            ? 'refused: the endpoint resolves to a non-public address'
            : `${error.code ?? error.name}: ${error.message}`.slice(0, 200),
      });
    });
    req.end(p.body);
  });
}
