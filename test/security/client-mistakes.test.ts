import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { rawPost } from './raw-request.ts';

type Body = {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
};

/**
 * Review 15.6: what a client gets wrong is a 4xx with a code and a message that says what,
 * never a 500, an INTERNAL_SERVER_ERROR or a stack overflow.
 */
describe('client mistakes are 4xx with a clear code, never 500', () => {
  let t: TestSystem;
  let token: string;

  beforeAll(async () => {
    t = await startTestSystem({ MAX_INPUT_DEPTH: '5', PLAYGROUND: 'false' });
    token = await t.tokens.client();
  });
  afterAll(() => t.stop());

  const post = async (body: unknown) => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, ...((await res.json()) as Body) };
  };
  const only = (res: Body) => {
    expect(res.errors).toHaveLength(1);
    return res.errors![0]!;
  };

  describe('operations', () => {
    it('an operationName the document does not define is 400 BAD_USER_INPUT naming it', async () => {
      const res = await post({ query: 'query Mine { consents { id } }', operationName: 'Theirs' });
      expect(res.status).toBe(400);
      expect(only(res)).toMatchObject({
        message: 'Unknown operation named "Theirs".',
        extensions: { code: 'BAD_USER_INPUT' },
      });
    });

    it('several operations and no operationName is 400 BAD_USER_INPUT', async () => {
      const res = await post({ query: 'query A { consents { id } } query B { banks { id } }' });
      expect(res.status).toBe(400);
      expect(only(res)).toMatchObject({
        message: 'Must provide operation name if query contains multiple operations.',
        extensions: { code: 'BAD_USER_INPUT' },
      });
    });

    it('a subscription is 400 BAD_USER_INPUT', async () => {
      const res = await post({ query: 'subscription S { consents { id } }' });
      expect(res.status).toBe(400);
      expect(only(res)).toMatchObject({
        message: 'Subscriptions are not supported: send queries and mutations over HTTP',
        extensions: { code: 'BAD_USER_INPUT' },
      });
    });
  });

  describe('variables', () => {
    const consentById = 'query($id: ID!) { consent(id: $id) { id } }';

    it('a lone UTF-16 surrogate in a variable is 400 BAD_USER_INPUT, not an internal error', async () => {
      // JSON's "\ud800" escape decodes to half a character, which no database takes.
      const res = await post(`{"query":"${consentById}","variables":{"id":"x\\ud800"}}`);
      expect(res.status).toBe(400);
      expect(only(res)).toMatchObject({
        message: expect.stringContaining('Variable "$id" holds a lone UTF-16 surrogate'),
        extensions: { code: 'BAD_USER_INPUT' },
      });
      // In a key too.
      const key = await post(
        `{"query":"${consentById}","variables":{"id":"x","nested":{"\\udc00":1}}}`,
      );
      expect(key.status).toBe(400);
    });

    it('a well-formed surrogate pair (an emoji) is only an unknown id', async () => {
      const res = await post({ query: consentById, variables: { id: 'x😀' } });
      expect(res.errors?.map((e) => e.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');
      expect(res.errors?.map((e) => e.extensions?.code)).not.toContain('BAD_USER_INPUT');
    });
  });

  describe('input depth (MAX_INPUT_DEPTH=5)', () => {
    const nested = (n: number) => '['.repeat(n) + '"x"' + ']'.repeat(n);
    const object = (n: number) => '{a:'.repeat(n) + '1' + '}'.repeat(n);

    it('a literal at the limit passes the limit (then fails validation as usual)', async () => {
      const res = await post({ query: `{ consent(id: ${nested(5)}) { id } }` });
      expect(res.status).toBe(400);
      expect(only(res).extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    });

    it('a literal one level deeper is 400 BAD_USER_INPUT with limit inputDepth', async () => {
      const res = await post({ query: `{ consent(id: ${nested(6)}) { id } }` });
      expect(res.status).toBe(400);
      expect(only(res)).toEqual({
        message: 'The document nests input values 6 levels deep; the maximum is 5',
        extensions: { code: 'BAD_USER_INPUT', limit: 'inputDepth', depth: 6, max: 5 },
      });
    });

    it('a 2 000-level literal is the same refusal, not "Maximum call stack size exceeded"', async () => {
      for (const literal of [object(2000), nested(2000)]) {
        const res = await post({ query: `{ consent(id: ${literal}) { id } }` });
        expect(res.status).toBe(400);
        expect(only(res).extensions).toMatchObject({ limit: 'inputDepth', depth: 2000 });
      }
    });

    it('variable definitions and directive arguments count', async () => {
      const type = await post({
        query: `query($v: ${nested(6).replace('"x"', 'ID')}) { banks { id } }`,
      });
      expect(only(type).extensions).toMatchObject({ limit: 'inputDepth', depth: 6 });
      const directive = await post({ query: `{ banks @include(if: ${object(6)}) { id } }` });
      expect(only(directive).extensions).toMatchObject({ limit: 'inputDepth', depth: 6 });
    });

    it('variables JSON deeper than the limit is refused the same way, at any depth', async () => {
      const query =
        'mutation($p: [ConsentPermission!]!) { requestConsent(input: { permissions: $p }) { id } }';
      const atLimit = await post({ query, variables: { p: JSON.parse(nested(5)) } });
      expect(only(atLimit).extensions?.code).toBe('BAD_USER_INPUT');
      expect(only(atLimit).extensions?.limit).toBeUndefined();
      for (const depth of [6, 2000]) {
        const res = await post({ query, variables: { p: JSON.parse(nested(depth)) } });
        expect(res.status).toBe(400);
        expect(only(res)).toEqual({
          message: `Variable "$p" nests ${depth} levels deep; the maximum is 5`,
          extensions: { code: 'BAD_USER_INPUT', limit: 'inputDepth', depth, max: 5 },
        });
      }
    });

    it('selection sets nested past what the parser can take are a depth refusal', async () => {
      const fragments = '... on Query { '.repeat(2000) + 'banks { id }' + ' }'.repeat(2000);
      const res = await post({ query: `{ ${fragments} }` });
      expect(res.status).toBe(400);
      expect(only(res).extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        limit: 'depth',
        nesting: 2002,
        max: 25,
      });
    });
  });

  describe('token endpoint', () => {
    const form = 'application/x-www-form-urlencoded';
    const basic = (user: string, secret: string) =>
      `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
    const tokenAt = async (url: string, authorization: string, body: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': form, authorization },
        body,
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    it('broken percent-encoding in Basic credentials is 400 invalid_request', async () => {
      const res = await tokenAt(
        `${t.url}/token`,
        basic('demo-pfm', 'demo-pfm-secret%E0%A4%A'),
        'grant_type=client_credentials',
      );
      expect(res).toEqual({
        status: 400,
        body: {
          error: 'invalid_request',
          error_description: 'Basic credentials are not validly percent-encoded',
        },
      });
    });

    it('a parameter sent twice is 400 invalid_request (RFC 6749 §3.1)', async () => {
      const good = basic('demo-pfm', 'demo-pfm-secret');
      const once = await tokenAt(`${t.url}/token`, good, 'grant_type=client_credentials');
      expect(once.status).toBe(200);
      const twice = await tokenAt(
        `${t.url}/token`,
        good,
        'grant_type=client_credentials&grant_type=password',
      );
      expect(twice).toEqual({
        status: 400,
        body: { error: 'invalid_request', error_description: 'Parameter grant_type is repeated' },
      });
      const empty = await tokenAt(
        `${t.url}/token`,
        good,
        'grant_type=client_credentials&scope=&scope=',
      );
      expect(empty.status).toBe(400);
    });

    it.each([
      ['at the consent service', () => `${t.system.subgraphUrls.consent}/token`],
      ["through the gateway's /token", () => `${t.url}/token`],
    ])('two Authorization headers are 400 invalid_request %s', async (_where, url) => {
      const res = await rawPost(
        url(),
        {
          'content-type': form,
          authorization: [basic('demo-pfm', 'wrong'), basic('demo-pfm', 'demo-pfm-secret')],
        },
        'grant_type=client_credentials',
      );
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toEqual({
        error: 'invalid_request',
        error_description: 'Send at most one Authorization header',
      });
    });
  });

  it('two Authorization headers are 400 BAD_USER_INPUT at the gateway', async () => {
    const other = await t.testIdp.psuToken();
    const res = await rawPost(
      `${t.url}/graphql`,
      { 'content-type': 'application/json', authorization: [`Bearer ${token}`, `Bearer ${other}`] },
      JSON.stringify({ query: '{ banks { id } }' }),
    );
    expect(res.status).toBe(400);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="ledgergraph", error="invalid_request"',
    );
    expect(JSON.parse(res.text)).toEqual({
      errors: [
        {
          message: 'Send at most one Authorization header',
          extensions: { code: 'BAD_USER_INPUT', reason: 'authorizationHeader' },
        },
      ],
    });
  });
});
