import { AppError } from '../shared/errors/index.ts';
import { readBody, sendJson } from '../shared/http/graphql-handler.ts';
import type { Route } from '../shared/http/server.ts';
import { clientAddressHeader, signClientAddress } from '../shared/throttle/index.ts';
import { markRefused } from './refusals.ts';
import { oneAuthorization, requestInfo } from './request.ts';

/**
 * The token endpoint's front door. Beyond a plain proxy: the consent service throttles
 * sign-in per address, so it is told the caller's address (signed with the internal secret;
 * it would otherwise see only the gateway's), and a throttled answer keeps its Retry-After.
 */
export function tokenProxy(target: string, internalSecret: string): Route {
  return async (req, res) => {
    const info = requestInfo(req);
    let body: string;
    try {
      // RFC 6749 §3.1 and §2.3: one set of client credentials; Node would keep the first.
      oneAuthorization(req);
      body = await readBody(req, 16_384);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      markRefused(info, e);
      // An OAuth client reads OAuth errors here, not GraphQL ones.
      req.resume();
      return sendJson(
        res,
        e.httpStatus,
        { error: 'invalid_request', error_description: e.message },
        { connection: 'close' },
      );
    }
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
