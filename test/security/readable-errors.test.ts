import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlMediaType } from '../../src/shared/http/media-type.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { gatewayOver } from './gateway-over.ts';

type Body = { errors?: { message: string; extensions?: Record<string, unknown> }[] };

describe('errors a client can read, and that tell it no more than it may know', () => {
  let t: TestSystem;
  let open: Awaited<ReturnType<typeof gatewayOver>>;
  let token: string;

  beforeAll(async () => {
    t = await startTestSystem({ ALLOW_INTROSPECTION: 'false', PLAYGROUND: 'false' });
    // The same subgraphs behind a gateway that allows introspection: the control.
    open = await gatewayOver(t, { settings: { allowIntrospection: true } });
    token = await t.tokens.client();
  });
  afterAll(async () => {
    await open?.stop();
    await t?.stop();
  });

  const messages = async (url: string, query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    expect(res.status).toBe(400);
    return ((await res.json()) as Body).errors!.map((e) => e.message);
  };

  /** Review 15.7: with ALLOW_INTROSPECTION=false, "Did you mean" would hand out the schema. */
  describe('introspection off means suggestions off', () => {
    it('validation messages suggest no field, argument or enum value', async () => {
      const query = '{ consnts(statu: Authorisd) { id } consent(id: "x") { statuz } }';
      const closed = await messages(t.url, query);
      expect(closed).toEqual([
        'Cannot query field "consnts" on type "Query".',
        'Cannot query field "statuz" on type "Consent".',
      ]);
      const shown = await messages(open.url, query);
      expect(shown.join('\n')).toMatch(/Did you mean "consents"/);
      expect(shown.join('\n')).toMatch(/Did you mean "status"/);
    });

    it('variable messages suggest no input field or enum value', async () => {
      const cases: [string, Record<string, unknown>, RegExp][] = [
        [
          'mutation($i: RequestConsentInput!) { requestConsent(input: $i) { id } }',
          { i: { permisions: ['ReadBalances'] } },
          /Did you mean "permissions"\?/,
        ],
        [
          'query($s: ConsentStatus) { consents(status: $s) { id } }',
          { s: 'Authorisd' },
          /Did you mean the enum value "Authorised"\?/,
        ],
      ];
      for (const [query, variables, suggestion] of cases) {
        const closed = await messages(t.url, query, variables);
        expect(closed.length).toBeGreaterThan(0);
        for (const m of closed) expect(m).not.toMatch(/Did you mean/);
        expect((await messages(open.url, query, variables)).join('\n')).toMatch(suggestion);
      }
    });
  });

  /**
   * Review 15.8: a refusal before execution is a GraphQL response whatever the Accept header,
   * so a client reads extensions.code from the body; its media type follows GraphQL over
   * HTTP as Apollo Server applies it.
   */
  describe('a 401 is a GraphQL response in the media type the client asked for', () => {
    const unauthenticated = async (accept?: string) => {
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(accept ? { accept } : {}) },
        body: '{"query":"{ consents { id } }"}',
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="ledgergraph"');
      expect(await res.json()).toEqual({
        errors: [
          {
            message: 'A bearer access token is required in the Authorization header',
            extensions: { code: 'UNAUTHENTICATED' },
          },
        ],
      });
      return res.headers.get('content-type');
    };

    it('application/graphql-response+json when that is all the client accepts', async () => {
      expect(await unauthenticated('application/graphql-response+json')).toBe(
        'application/graphql-response+json; charset=utf-8',
      );
    });

    it("and for Apollo Client 4's Accept, which prefers it", async () => {
      expect(
        await unauthenticated('application/graphql-response+json,application/json;q=0.9'),
      ).toBe('application/graphql-response+json; charset=utf-8');
    });

    it('application/json for application/json, */* or no Accept (Apollo Client 3)', async () => {
      for (const accept of ['application/json', '*/*', undefined]) {
        expect(await unauthenticated(accept)).toBe('application/json; charset=utf-8');
      }
    });

    it('a body-size refusal negotiates the same way', async () => {
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ query: `{ banks { id } }`, pad: 'x'.repeat(t.config.maxBodyBytes) }),
      });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toBe(
        'application/graphql-response+json; charset=utf-8',
      );
      expect(((await res.json()) as Body).errors![0]!.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        limit: 'bodySize',
      });
    });

    it('the choice follows q values and the most specific range, as Apollo Server makes it', () => {
      const gql = 'application/graphql-response+json; charset=utf-8';
      const json = 'application/json; charset=utf-8';
      expect(graphqlMediaType('application/json, application/graphql-response+json')).toBe(json);
      expect(graphqlMediaType('application/json;q=0.5, application/graphql-response+json')).toBe(
        gql,
      );
      expect(graphqlMediaType('application/*, application/json;q=0')).toBe(gql);
      expect(graphqlMediaType('application/graphql-response+json;q=0, */*')).toBe(json);
      expect(graphqlMediaType('text/html')).toBe(json);
    });
  });
});
