import { AppError } from '../shared/errors/index.ts';
import { readBody } from '../shared/http/graphql-handler.ts';
import type { Route } from '../shared/http/server.ts';
import { refuse } from './errors.ts';

/** The token endpoint and JWKS belong to the consent service; the gateway is their front door. */
export function proxyTo(target: string): Route {
  return async (req, res) => {
    let body: string | undefined;
    try {
      body = req.method === 'POST' ? await readBody(req, 16_384) : undefined;
    } catch (e) {
      if (e instanceof AppError) return refuse(res, e, { connection: 'close' });
      throw e;
    }
    const headers: Record<string, string> = {};
    for (const h of ['content-type', 'authorization', 'x-fapi-interaction-id']) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const upstream = await fetch(target, {
      method: req.method,
      headers,
      body,
      signal: AbortSignal.timeout(5_000),
    });
    const text = await upstream.text();
    const out: Record<string, string> = {};
    for (const h of ['content-type', 'cache-control', 'pragma', 'www-authenticate']) {
      const v = upstream.headers.get(h);
      if (v) out[h] = v;
    }
    res.writeHead(upstream.status, out);
    res.end(text);
  };
}
