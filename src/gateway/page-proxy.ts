import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../shared/errors/index.ts';
import { readBody } from '../shared/http/graphql-handler.ts';
import type { Route } from '../shared/http/server.ts';
import { clientAddressHeader, signClientAddress } from '../shared/throttle/index.ts';
import { refuse } from './errors.ts';
import { requestInfo } from './request.ts';

/**
 * The authorization server's paths and the PSU's pages, all of them the consent service's:
 * the gateway is their one public address. Prefix routes (`/x/*`) cover the paths below.
 * The bank callbacks (accounts and payments services) are fronted too: see `createGateway`.
 */
export const consentPagePaths = [
  'GET /.well-known/oauth-authorization-server',
  'GET /.well-known/openid-configuration',
  'GET /oauth/*',
  'POST /oauth/*',
  'GET /signin/*',
  'POST /signin/*',
  'GET /signin-assets/*',
  'GET /account/*',
  'POST /account/*',
  'GET /compliance',
  'GET /compliance/*',
] as const;

/**
 * Where banks send the PSU back: the accounts service's callback after linking a bank, the
 * payments service's after approving a payment. A gateway never imports a subgraph: kept
 * in step with theirs by test/gateway/page-proxy.test.ts.
 */
export const bankCallbackPath = '/connections/callback';
export const paymentCallbackPath = '/payment-consents/callback';

/** What a browser or OAuth client sends that the consent service reads. */
const passedOn = ['accept', 'accept-language', 'authorization', 'content-type', 'cookie', 'dpop'];
/** Hop-by-hop, or no longer true once fetch has decoded the body. */
const dropped = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-encoding',
]);

export interface PageProxyOptions {
  /** The origin of the service the paths belong to. */
  target: string;
  internalSecret: string;
  /** The gateway's public URL: the origin every absolute URL of the consent service names. */
  publicUrl: () => string;
  maxBodyBytes?: number;
}

/**
 * Forwards as the token proxy does: the caller's address is the peer's (X-Forwarded-For is
 * not trusted), signed with the internal secret for the sign-in throttles. The public
 * scheme and host go as X-Forwarded-Proto/Host taken from PUBLIC_URL, never from the
 * caller's Host header, so the issuer, the metadata's endpoints and the redirects of
 * oidc-provider name the address the PSU and the client app use.
 */
export function pageProxy(o: PageProxyOptions): Route {
  return async (req, res, url) => {
    const info = requestInfo(req);
    let body: string | undefined;
    try {
      body = req.method === 'POST' ? await readBody(req, o.maxBodyBytes ?? 16_384) : undefined;
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      req.resume();
      return refuse(res, e, { connection: 'close' });
    }
    const pub = new URL(o.publicUrl());
    const headers: Record<string, string> = {
      'x-fapi-interaction-id': info.id,
      'x-forwarded-proto': pub.protocol.slice(0, -1),
      'x-forwarded-host': pub.host,
      [clientAddressHeader]: await signClientAddress(
        req.socket.remoteAddress ?? 'unknown',
        o.internalSecret,
      ),
    };
    for (const h of passedOn) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const upstream = await fetch(`${o.target}${url.pathname}${url.search}`, {
      method: req.method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    upstream.headers.forEach((value, name) => {
      if (!dropped.has(name) && name !== 'set-cookie') res.setHeader(name, value);
    });
    const cookies = upstream.headers.getSetCookie();
    if (cookies.length) res.setHeader('set-cookie', cookies);
    res.writeHead(upstream.status);
    if (!upstream.body) return void res.end();
    await pipeline(Readable.fromWeb(upstream.body as ReadableStream<Uint8Array>), res);
  };
}
