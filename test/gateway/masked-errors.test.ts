import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/gateway/index.ts';
import { loadConfig } from '../../src/shared/config/index.ts';
import { createRouter, listen, type Listening } from '../../src/shared/http/server.ts';
import { createLogger } from '../../src/shared/log/index.ts';
import { supergraphFor } from '../../src/schemas.ts';
import { until } from './helpers.ts';

const issuer = 'http://masked.test';

/**
 * The gateway logs what it masks, as the subgraphs do: a subgraph whose answer the gateway
 * cannot read is an INTERNAL_SERVER_ERROR to the client, and a log line with the request
 * id and the cause to the operator.
 */
describe('masked internal errors at the gateway', () => {
  const lines: Record<string, unknown>[] = [];
  let broken: Server;
  let served: Listening;
  let stop: () => Promise<void>;
  let token: string;

  beforeAll(async () => {
    // Every "subgraph" answers 200 with a body that is not JSON.
    broken = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html>proxy error page</html>');
    });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(broken.address() as AddressInfo).port}/graphql`;
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    token = await new SignJWT({ client_id: 'app', scope: 'accounts:read' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience('ledgergraph')
      .setSubject('app')
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti('jti-1')
      .sign(privateKey);
    const gateway = await createGateway({
      supergraphSdl: await supergraphFor({ consent: url, accounts: url, payments: url }),
      internalSecret: 'x'.repeat(32),
      issuers: [{ issuer, keys: createLocalJWKSet({ keys: [jwk] }) }],
      audience: 'ledgergraph',
      // Nothing listens there: the token proxy's fetch throws.
      consentServiceUrl: 'http://127.0.0.1:9',
      maxBodyBytes: 10_000,
      settings: loadConfig({ DATA_DIR: '/tmp/unused' }).gateway,
      log: createLogger('debug', (l) => lines.push(JSON.parse(l) as Record<string, unknown>)),
    });
    served = await listen(createRouter(gateway.routes), 0, '127.0.0.1');
    stop = () => gateway.stop();
  });
  afterAll(async () => {
    await served?.close();
    await stop?.();
    broken?.close();
  });

  it('shows the client only the code, and logs the cause with the request id', async () => {
    const res = await fetch(`${served.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'x-fapi-interaction-id': 'masked-1',
      },
      body: JSON.stringify({ query: '{ banks { id } }' }),
    });
    const body = (await res.json()) as { errors?: { message: string; extensions?: unknown }[] };
    expect(body.errors?.map((e) => e.extensions)).toEqual([{ code: 'INTERNAL_SERVER_ERROR' }]);
    expect(JSON.stringify(body)).not.toMatch(/proxy error page|JSON/);

    await until(() => lines.some((l) => l.requestId === 'masked-1' && l.level === 'error'));
    const logged = lines.filter((l) => l.requestId === 'masked-1' && l.level === 'error');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      msg: 'internal error masked from the client',
      // The engine's word for a body that is not GraphQL's JSON, quoting what came.
      cause: { message: expect.stringMatching(/JSON|Unexpected response/) },
    });
  });

  it('logs a route that throws with the request id, behind the bare 500', async () => {
    const res = await fetch(`${served.url}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-fapi-interaction-id': 'masked-2',
      },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal_error' });
    await until(() => lines.some((l) => l.requestId === 'masked-2' && l.level === 'error'));
    expect(lines.filter((l) => l.requestId === 'masked-2' && l.level === 'error')).toEqual([
      expect.objectContaining({
        msg: 'internal error masked from the client',
        route: '/token',
        cause: expect.objectContaining({ message: 'fetch failed' }),
      }),
    ]);
  });
});
