import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/gateway/index.ts';
import { createRouter, listen } from '../../src/shared/http/server.ts';
import { createLogger } from '../../src/shared/log/index.ts';
import { bankCalls } from '../../src/shared/metrics/index.ts';
import { openConsentDb } from '../../src/subgraphs/consent/db/client.ts';
import { errorCodes, expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';
import { until } from './helpers.ts';

describe('gateway operations and interoperability headers', () => {
  let t: TestSystem;
  let token: string;
  beforeAll(async () => {
    t = await startTestSystem();
    token = await t.tokens.client();
  });
  afterAll(() => t.stop());

  describe('x-fapi-interaction-id, Date and Content-Type on every answer', () => {
    const sent = { 'x-fapi-interaction-id': 'e2e-interaction-42' };
    const expectFapiHeaders = (headers: Headers, id = sent['x-fapi-interaction-id']) => {
      expect(headers.get('x-fapi-interaction-id')).toBe(id);
      expect(Date.parse(headers.get('date') ?? '')).not.toBeNaN();
      expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    };

    it('on success', async () => {
      const res = await t.execute(token, '{ consents { id } }', {}, sent);
      expectNoErrors(res);
      expectFapiHeaders(res.headers);
    });

    it('on a GraphQL error (validation)', async () => {
      const res = await t.execute(token, '{ nope }', {}, sent);
      expect(res.status).toBe(400);
      expectFapiHeaders(res.headers);
    });

    it('on 401', async () => {
      const res = await t.execute(undefined, '{ consents { id } }', {}, sent);
      expect(res.status).toBe(401);
      expectFapiHeaders(res.headers);
    });

    it('on a broken body', async () => {
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...sent },
        body: '{ not json',
      });
      expect(res.status).toBe(400);
      expectFapiHeaders(res.headers);
    });

    it('on the operational endpoints too', async () => {
      for (const path of ['/health', '/ready']) {
        expectFapiHeaders((await fetch(`${t.url}${path}`, { headers: sent })).headers);
      }
    });

    it('generates a UUID when none (or a malformed one) is sent', async () => {
      const cases: Record<string, string>[] = [
        {},
        { 'x-fapi-interaction-id': 'bad id with spaces' },
      ];
      for (const headers of cases) {
        const res = await t.execute(token, '{ __typename }', {}, headers);
        expect(res.headers.get('x-fapi-interaction-id')).toMatch(
          /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        );
      }
    });

    it('never rejects a valid x-fapi-customer-ip-address or x-fapi-auth-date', async () => {
      const res = await t.execute(
        token,
        '{ consents { id } }',
        {},
        {
          'x-fapi-customer-ip-address': '2001:db8::1',
          'x-fapi-auth-date': 'Sun, 10 Sep 2017 19:43:31 GMT',
          ...sent,
        },
      );
      expectNoErrors(res);
      expect(res.status).toBe(200);
    });
  });

  describe('health and readiness', () => {
    it('/health answers without touching any dependency', async () => {
      const res = await fetch(`${t.url}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    });

    it('/ready checks every subgraph and every database', async () => {
      const res = await fetch(`${t.url}/ready`);
      const body = (await res.json()) as {
        status: string;
        checks: Record<string, { ok: boolean }>;
      };
      expect(res.status).toBe(200);
      expect(body.status).toBe('ready');
      expect(Object.keys(body.checks).sort()).toEqual([
        'db:accounts',
        'db:consent',
        'db:payments',
        'subgraph:accounts',
        'subgraph:consent',
        'subgraph:payments',
      ]);
      expect(Object.values(body.checks).every((c) => c.ok)).toBe(true);
    });

    it('/ready answers 503 with details when a subgraph or a database does not answer', async () => {
      // A second gateway over the same supergraph, with payments pointing at a closed port
      // and a PostgreSQL database on a port where nothing listens.
      const supergraphSdl = t.system.supergraphSdl.replace(
        `${t.system.subgraphUrls.payments}/graphql`,
        'http://127.0.0.1:9/graphql',
      );
      const brokenDb = openConsentDb('postgresql://postgres@127.0.0.1:9/ledgergraph');
      const lines: string[] = [];
      const gateway = await createGateway({
        supergraphSdl,
        internalSecret: 'x'.repeat(32),
        issuers: [],
        audience: 'ledgergraph',
        consentServiceUrl: t.system.subgraphUrls.consent,
        maxBodyBytes: 10_000,
        settings: t.config.gateway,
        readinessChecks: { 'db:broken': async () => void (await brokenDb.$queryRaw`SELECT 1`) },
        log: createLogger('info', (l) => lines.push(l)),
      });
      const served = await listen(createRouter(gateway.routes), 0, '127.0.0.1');
      try {
        const res = await fetch(`${served.url}/ready`);
        const body = (await res.json()) as {
          status: string;
          checks: Record<string, { ok: boolean; error?: string }>;
        };
        expect(res.status).toBe(503);
        expect(body.status).toBe('not_ready');
        expect(body.checks['subgraph:payments']!.ok).toBe(false);
        expect(body.checks['subgraph:payments']!.error).toBeTruthy();
        expect(body.checks['db:broken']!.ok).toBe(false);
        expect(body.checks['subgraph:consent']!.ok).toBe(true);

        // The request log: one JSON line per request, with the interaction id.
        const unauth = await fetch(`${served.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-fapi-interaction-id': 'log-1' },
          body: '{"query":"{ __typename }"}',
        });
        expect(unauth.status).toBe(401);
        await until(() => lines.some((l) => l.includes('"log-1"')));
        const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(logged).toContainEqual(
          expect.objectContaining({
            level: 'info',
            msg: 'request',
            requestId: 'log-1',
            route: '/graphql',
            status: '401',
          }),
        );
        expect(lines.join('\n')).not.toMatch(/authorization|bearer/i);
      } finally {
        await served.close();
        await gateway.stop();
        await brokenDb.$disconnect();
      }
    });
  });

  describe('/metrics', () => {
    it('serves Prometheus text with requests, latency, errors by code and bank calls', async () => {
      await t.execute(undefined, '{ __typename }');
      await t.execute(token, '{ nope }');
      bankCalls.inc({ bank: 'test-bank', kind: 'accounts' });
      const res = await fetch(`${t.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      // Empty lines separate the families (the format ignores them).
      for (const line of text.trim().split('\n').filter(Boolean)) {
        expect(line).toMatch(
          /^(# (HELP|TYPE) \w+ .+|[a-zA-Z_:][\w:]*(\{(\w+="[^"]*",?)*\})? -?[\d.e+-]+)$/,
        );
      }
      expect(text).toMatch(
        /^ledgergraph_http_requests_total\{route="\/graphql",method="POST",status="200"\} \d+$/m,
      );
      expect(text).toMatch(
        /^ledgergraph_http_request_duration_seconds_bucket\{le="\+Inf",route="\/graphql"\} \d+$/m,
      );
      expect(text).toMatch(/^ledgergraph_graphql_errors_total\{code="UNAUTHENTICATED"\} [1-9]/m);
      expect(text).toMatch(
        /^ledgergraph_graphql_errors_total\{code="GRAPHQL_VALIDATION_FAILED"\} [1-9]/m,
      );
      expect(text).toContain('# TYPE ledgergraph_bank_calls_total counter');
      expect(text).toContain('ledgergraph_bank_calls_total{bank="test-bank",kind="accounts"} 1');
    });
  });

  describe('introspection where allowed (the default)', () => {
    it('answers __schema for a caller with a valid token', async () => {
      const res = await t.execute<{ __schema: { queryType: { name: string } } }>(
        token,
        '{ __schema { queryType { name } } }',
      );
      expectNoErrors(res);
      expect(res.data!.__schema.queryType.name).toBe('Query');
    });

    it('still needs a token', async () => {
      const res = await t.execute(undefined, '{ __schema { queryType { name } } }');
      expect(errorCodes(res)).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('playground endpoints', () => {
    it('hands out sandbox tokens from the demo flow (dev flag on by default)', async () => {
      // As the page does: same origin, its CSRF cookie and token (test/security has refusals).
      const page = await fetch(`${t.url}/playground`);
      const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
      const res = await fetch(`${t.url}/playground/sandbox-token`, {
        method: 'POST',
        headers: { origin: t.url, cookie, 'x-csrf-token': cookie.split('=')[1]! },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const s = (await res.json()) as Record<string, string>;
      expect(s).toMatchObject({ client: 'demo-pfm', psu: 'alice' });
      const listed = await t.execute<{ consents: { id: string; status: string }[] }>(
        s.clientToken,
        '{ consents { id status } }',
      );
      expect(listed.data!.consents).toContainEqual({ id: s.consentId, status: 'Authorised' });
      // Authorised on the hosted consent page (the redirect flow binds its grant), not by a
      // PSU token through the API.
      const row = await t.system.db.consent.consent.findUniqueOrThrow({
        where: { id: s.consentId },
      });
      expect(row.grantId).not.toBeNull();
      const me = await t.execute<{ me: { id: string } }>(s.consentToken!, '{ me { id } }');
      expect(me.data!.me.id).toBe('psu_alice');
    });

    it('serves the page and its assets from the gateway, referencing no other origin', async () => {
      const page = await fetch(`${t.url}/playground`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      const html = await page.text();
      expect(html).not.toMatch(/https?:\/\//);
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(assets.length).toBe(2);
      for (const path of [...assets, '/playground/assets/graphql.worker.js']) {
        const res = await fetch(`${t.url}${path}`);
        expect(res.status, path).toBe(200);
        expect(res.headers.get('etag')).toBeTruthy();
        const again = await fetch(`${t.url}${path}`, {
          headers: { 'if-none-match': res.headers.get('etag')! },
        });
        expect(again.status).toBe(304);
      }
    });
  });
});
