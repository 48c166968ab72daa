import { AppError } from '../shared/errors/index.ts';
import { readBody } from '../shared/http/graphql-handler.ts';
import type { Route } from '../shared/http/server.ts';
import { clientAddressHeader, signClientAddress } from '../shared/throttle/index.ts';
import { refuse } from './errors.ts';
import { requestInfo } from './request.ts';

/**
 * The token endpoint's front door. Beyond a plain proxy: the consent service throttles
 * sign-in per address, so it is told the caller's address (signed with the internal secret;
 * it would otherwise see only the gateway's), and a throttled answer keeps its Retry-After.
 */
export function tokenProxy(target: string, internalSecret: string): Route {
  return async (req, res) => {
    let body: string;
    try {
      body = await readBody(req, 16_384);
    } catch (e) {
      if (e instanceof AppError) return refuse(res, e, { connection: 'close' });
      throw e;
    }
    const info = requestInfo(req);
    const headers: Record<string, string> = {
      'x-fapi-interaction-id': info.id,
      [clientAddressHeader]: await signClientAddress(
        req.socket.remoteAddress ?? 'unknown',
        internalSecret,
      ),
    };
    for (const h of ['content-type', 'authorization']) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const upstream = await fetch(target, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(5_000),
    });
    const text = await upstream.text();
    const out: Record<string, string> = {};
    for (const h of [
      'content-type',
      'cache-control',
      'pragma',
      'www-authenticate',
      'retry-after',
    ]) {
      const v = upstream.headers.get(h);
      if (v) out[h] = v;
    }
    res.writeHead(upstream.status, out);
    res.end(text);
  };
}
