import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyServiceCall } from '../../src/shared/auth/internal-context.ts';
import { AppError } from '../../src/shared/errors/index.ts';
import { callInternal } from '../../src/shared/internal-api/call.ts';

const secret = 'internal-call-test-secret-0123456789abcdef';
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const call = (baseUrl: string, extra: { body?: unknown; timeoutMs?: number } = {}) =>
  callInternal<unknown>({
    baseUrl,
    path: '/internal/thing?id=a%20b',
    audience: 'test:thing',
    secret,
    service: 'test',
    ...extra,
  });

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('UPSTREAM_UNAVAILABLE');
  return error as AppError;
}

describe('callInternal', () => {
  it('GETs without a body and POSTs JSON with one, under a bearer bound to the audience', async () => {
    const seen: unknown[] = [];
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        void verifyServiceCall(bearer, 'test:thing', secret).then((ok) => {
          seen.push({
            method: req.method,
            url: req.url,
            type: req.headers['content-type'],
            body,
            ok,
          });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"answer":42}');
        });
      });
    });
    expect(await call(url)).toEqual({ answer: 42 });
    expect(await call(url, { body: { x: 1 } })).toEqual({ answer: 42 });
    expect(seen).toEqual([
      { method: 'GET', url: '/internal/thing?id=a%20b', type: undefined, body: '', ok: true },
      {
        method: 'POST',
        url: '/internal/thing?id=a%20b',
        type: 'application/json',
        body: '{"x":1}',
        ok: true,
      },
    ]);
  });

  it('fails closed on a refused connection, a non-2xx answer and an unreadable body', async () => {
    const dead = await serve(() => undefined);
    servers[0]!.close();
    await refusal(call(dead));
    await refusal(call(await serve((_req, res) => res.writeHead(500).end('{"grant":{}}'))));
    await refusal(call(await serve((_req, res) => res.writeHead(200).end('<html>'))));
  });

  it('gives up on a service that does not finish its answer in time', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"grant":'); // and never more
    });
    const started = Date.now();
    await refusal(call(url, { timeoutMs: 200 }));
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
