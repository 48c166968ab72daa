import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * Request limits at the gateway: each refusal is a 400 (413 for the body) BAD_USER_INPUT
 * with `extensions.limit`, decided before any subgraph is asked, and carries the
 * interaction id.
 */
describe('gateway request limits', () => {
  let t: TestSystem;
  let token: string;
  const id = { 'x-fapi-interaction-id': 'limits-test-1' };

  beforeAll(async () => {
    t = await startTestSystem({
      MAX_QUERY_DEPTH: '6',
      MAX_QUERY_ALIASES: '3',
      MAX_QUERY_COST: '1500',
      MAX_QUERY_TOKENS: '300',
      MAX_BODY_BYTES: '4096',
      ALLOW_INTROSPECTION: 'false',
      PLAYGROUND: 'false',
    });
    token = await t.tokens.client();
  });
  afterAll(() => t.stop());

  const refusedBy = (
    res: Awaited<ReturnType<TestSystem['execute']>>,
    limit: string,
    code = 'BAD_USER_INPUT',
  ) => {
    expect(errorCodes(res)).toEqual([code]);
    expect(res.errors![0]!.extensions!.limit).toBe(limit);
    expect(res.data ?? null).toBeNull();
    expect(res.headers.get('x-fapi-interaction-id')).toBe(id['x-fapi-interaction-id']);
  };

  describe('depth', () => {
    it('accepts a query at the maximum depth', async () => {
      // consents(1) psu(2) consents(3) psu(4) consents(5) id(6)
      expectNoErrors(
        await t.execute(token, '{ consents { psu { consents { psu { consents { id } } } } } }'),
      );
    });

    it('refuses a query one level deeper', async () => {
      const res = await t.execute(
        token,
        '{ consents { psu { consents { psu { consents { psu { id } } } } } } }',
        {},
        id,
      );
      expect(res.status).toBe(400);
      refusedBy(res, 'depth');
      expect(res.errors![0]!.extensions).toMatchObject({ depth: 7, max: 6 });
    });

    it('counts depth through fragments', async () => {
      const res = await t.execute(
        token,
        `{ consents { ...C } }
         fragment C on Consent { psu { consents { psu { ...D } } } }
         fragment D on Psu { consents { psu { id } } }`,
        {},
        id,
      );
      refusedBy(res, 'depth');
    });
  });

  describe('aliases', () => {
    it('refuses more aliases than allowed', async () => {
      const res = await t.execute(
        token,
        '{ a: consents { id } b: consents { id } c: consents { id } d: consents { id } }',
        {},
        id,
      );
      expect(res.status).toBe(400);
      refusedBy(res, 'aliases');
      expect(res.errors![0]!.extensions).toMatchObject({ aliases: 4, max: 3 });
    });

    it('counts a fragment once per place it is spread', async () => {
      const res = await t.execute(
        token,
        `{ consents { ...Two } more: consents { ...Two } }
         fragment Two on Consent { x: id y: status }`,
        {},
        id,
      );
      refusedBy(res, 'aliases');
      expect(res.errors![0]!.extensions!.aliases).toBe(5);
    });
  });

  describe('cost', () => {
    it('weights nested lists by their page size and refuses an expensive query', async () => {
      // Objects only, each list weighted 10 (no page-size argument here): balances 10 * 1,
      // accounts 10 * (1 + 10), consents 10 * (1 + 110), psu 1 + 1110, consents 10 * (1 + 1111)
      const res = await t.execute(
        token,
        '{ consents { psu { consents { accounts { balances { type } } } } } }',
        {},
        id,
      );
      expect(res.status).toBe(400);
      refusedBy(res, 'cost');
      expect(res.errors![0]!.extensions).toMatchObject({ cost: 11120, max: 1500 });
    });

    it('lets a cheap query through', async () => {
      expectNoErrors(await t.execute(token, '{ consents { id status permissions } }'));
    });
  });

  it('refuses a document with more lexical tokens than allowed', async () => {
    const res = await t.execute(token, `{ consents { ${'id '.repeat(300)} } }`, {}, id);
    expect(res.status).toBe(400);
    refusedBy(res, 'tokens');
    expect(res.errors![0]!.extensions!.max).toBe(300);
  });

  it('refuses an oversize body with 413 before parsing it', async () => {
    const res = await t.execute(token, `# ${'x'.repeat(5000)}\n{ consents { id } }`, {}, id);
    expect(res.status).toBe(413);
    refusedBy(res, 'bodySize');
    expect(res.errors![0]!.extensions!.max).toBe(4096);
  });

  it('answers 413 to an oversize chunked body too, instead of resetting the connection', async () => {
    const answer = await new Promise<{ status?: number; id?: string; body: string }>(
      (resolve, reject) => {
        const req = request(`${t.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...id },
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () =>
            resolve({
              status: res.statusCode,
              id: String(res.headers['x-fapi-interaction-id']),
              body,
            }),
          );
        });
        req.on('error', reject);
        // No content-length: the gateway finds out while reading.
        let sent = 0;
        const next = () => (sent++ < 10 ? req.write('x'.repeat(1000), next) : req.end());
        next();
      },
    );
    expect(answer.status).toBe(413);
    expect(answer.id).toBe(id['x-fapi-interaction-id']);
    expect(JSON.parse(answer.body).errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      limit: 'bodySize',
    });
  });

  it('refuses an oversize body at the token endpoint with 413, not a 500', async () => {
    const res = await fetch(`${t.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...id },
      body: 'x'.repeat(20_000),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('x-fapi-interaction-id')).toBe(id['x-fapi-interaction-id']);
  });

  describe('introspection where not allowed', () => {
    it('refuses __schema and __type with FORBIDDEN', async () => {
      for (const q of [
        '{ __schema { queryType { name } } }',
        '{ __type(name: "Consent") { name } }',
      ]) {
        const res = await t.execute(token, q, {}, id);
        expect(res.status).toBe(403);
        refusedBy(res, 'introspection', 'FORBIDDEN');
      }
    });

    it('still answers __typename', async () => {
      const res = await t.execute(token, '{ __typename }');
      expectNoErrors(res);
      expect(res.data).toEqual({ __typename: 'Query' });
    });
  });

  it('serves no playground when it is switched off', async () => {
    expect((await fetch(`${t.url}/playground`)).status).toBe(404);
    expect((await fetch(`${t.url}/playground/sandbox-token`, { method: 'POST' })).status).toBe(404);
  });
});
