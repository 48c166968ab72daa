/**
 * protect(): every field authorised. Root fields through graphql-shield; nested fields with a
 * rule decided synchronously by the rule's decider, once per request; nested fields without
 * one keep their own resolver (docs/BENCHMARKS.md "Shield and audit on the dashboard").
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import {
  execute,
  GraphQLError,
  parse,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { allow } from 'graphql-shield';
import { describe, expect, it } from 'vitest';
import type { SubgraphContext } from '../../src/shared/auth/context.ts';
import type { Principal } from '../../src/shared/auth/principal.ts';
import {
  allOf,
  contextual,
  isAuthenticated,
  protect,
  requireAnyScope,
  requireKind,
  requireScope,
} from '../../src/shared/auth/shield.ts';

const typeDefs = `
  type Query { accounts: [Account!]! }
  type Account {
    id: ID! nickname: String balances: [Balance!] identification: String
    owner: String bankCode: String secret: String
  }
  type Balance { amount: String! }
  type Secret { a: String b: String }
  type Open { a: String b: String }
`;
const resolvers = {
  Query: { accounts: () => [{ id: 'a1' }, { id: 'a2' }] },
  Account: {
    nickname: (a: { id: string }) => `account ${a.id}`,
    balances: () => [{ amount: '1.00' }],
    identification: () => '12345678',
    owner: () => 'alice',
    bankCode: () => 'SANDBOX',
    secret: () => 's',
  },
};
let overCalls = 0;
/** Asked once per request, however many accounts; false means shield's fallback error. */
const overTen = contextual('test:overTen', (p) => (overCalls++, p.scopes.length > 10));
const rules = {
  Query: { accounts: requireScope('ReadAccountsBasic') },
  Account: {
    balances: requireScope('ReadBalances'),
    identification: allOf(requireKind('consent'), requireScope('ReadAccountsDetail')),
    owner: requireKind('psu'),
    bankCode: requireAnyScope('ReadAccountsDetail', 'consents:authorise'),
    secret: overTen,
  },
  Balance: { '*': requireScope('ReadBalances') },
  Secret: requireKind('client'),
  Open: { a: isAuthenticated },
};

const principal = (scopes: string[], kind: Principal['kind'] = 'consent'): Principal => ({
  kind,
  subject: 'alice',
  clientId: 'demo-pfm',
  scopes,
  tokenId: 't',
  issuer: 'test',
  expiresAt: 0,
});

const base = () => makeExecutableSchema({ typeDefs, resolvers });
const resolverOf = (s: GraphQLSchema, type: string, name: string) =>
  (s.getType(type) as GraphQLObjectType).getFields()[name]!.resolve!;
const info = {} as GraphQLResolveInfo;
/** What the default resolver reads. */
const at = (fieldName: string) => ({ fieldName }) as GraphQLResolveInfo;

async function run(ctx: SubgraphContext, fields = 'id nickname balances { amount }') {
  return execute({
    schema: protect(base(), rules),
    document: parse(`{ accounts { ${fields} } }`),
    contextValue: ctx,
  });
}

/** The codes and messages at each refused path. */
const refusals = (res: Awaited<ReturnType<typeof run>>) =>
  Object.fromEntries(
    (res.errors ?? []).map((e) => [e.path?.join('.'), [e.extensions?.code, e.message]]),
  );

describe('protect', () => {
  it('refuses an anonymous caller at the root, so no nested field is reached', async () => {
    const res = await run({ requestId: 'r' });
    expect(res.data).toBeNull();
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a nested field whose scope the caller lacks (requireScope, and a * rule)', async () => {
    const res = await run({ requestId: 'r', principal: principal(['ReadAccountsBasic']) });
    expect(res.data?.accounts).toEqual([
      { id: 'a1', nickname: 'account a1', balances: null },
      { id: 'a2', nickname: 'account a2', balances: null },
    ]);
    const message = 'This field requires the ReadBalances permission';
    expect(refusals(res)).toEqual({
      'accounts.0.balances': ['FORBIDDEN', message],
      'accounts.1.balances': ['FORBIDDEN', message],
    });

    // Balance.amount has a type-wide rule: reachable here only without ReadBalances through
    // a resolver that ignores Account.balances' rule, so call it as graphql-js would.
    const amount = resolverOf(protect(base(), rules), 'Balance', 'amount');
    const ctx = { requestId: 'r', principal: principal(['ReadAccountsBasic']) };
    expect(amount({ amount: '1.00' }, {}, ctx, info)).toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      message,
    });
    ctx.principal = principal(['ReadBalances']);
    expect(amount({ amount: '1.00' }, {}, { ...ctx }, at('amount'))).toBe('1.00');
  });

  it('refuses by kind (requireKind) and by any-of scopes (requireAnyScope)', async () => {
    const res = await run(
      { requestId: 'r', principal: principal(['ReadAccountsBasic']) },
      'owner bankCode',
    );
    expect(res.data?.accounts).toEqual([
      { owner: null, bankCode: null },
      { owner: null, bankCode: null },
    ]);
    expect(refusals(res)).toMatchObject({
      'accounts.0.owner': ['FORBIDDEN', 'Only a psu token may do this'],
      'accounts.1.bankCode': [
        'FORBIDDEN',
        'This field requires one of: ReadAccountsDetail, consents:authorise',
      ],
    });
    const psu = await run(
      { requestId: 'r', principal: principal(['ReadAccountsBasic', 'consents:authorise'], 'psu') },
      'owner bankCode',
    );
    expect(psu.errors).toBeUndefined();
    expect(psu.data?.accounts).toEqual([
      { owner: 'alice', bankCode: 'SANDBOX' },
      { owner: 'alice', bankCode: 'SANDBOX' },
    ]);
  });

  it('refuses allOf when any part refuses, with that part’s error', async () => {
    const psu = await run(
      { requestId: 'r', principal: principal(['ReadAccountsBasic', 'ReadAccountsDetail'], 'psu') },
      'identification',
    );
    expect(refusals(psu)['accounts.0.identification']).toEqual([
      'FORBIDDEN',
      'Only a consent token may do this',
    ]);
    const basic = await run(
      { requestId: 'r', principal: principal(['ReadAccountsBasic']) },
      'identification',
    );
    expect(refusals(basic)['accounts.0.identification']).toEqual([
      'FORBIDDEN',
      'This field requires the ReadAccountsDetail permission',
    ]);
    const both = await run(
      { requestId: 'r', principal: principal(['ReadAccountsBasic', 'ReadAccountsDetail']) },
      'identification',
    );
    expect(both.errors).toBeUndefined();
    expect(both.data?.accounts).toEqual([
      { identification: '12345678' },
      { identification: '12345678' },
    ]);
  });

  it("refuses with shield's fallback error when a rule says no, deciding once per request", async () => {
    overCalls = 0;
    const res = await run(
      { requestId: 'r', principal: principal(['ReadAccountsBasic']) },
      'secret',
    );
    expect(refusals(res)).toEqual({
      'accounts.0.secret': ['FORBIDDEN', 'Not allowed'],
      'accounts.1.secret': ['FORBIDDEN', 'Not allowed'],
    });
    expect(overCalls).toBe(1);
    const many = Array.from({ length: 11 }, (_, i) => `s${i}`);
    const ok = await run(
      { requestId: 'r', principal: principal(['ReadAccountsBasic', ...many]) },
      'secret',
    );
    expect(ok.errors).toBeUndefined();
    expect(overCalls).toBe(2);
  });

  it('refuses a type-wide rule and an explicit "authenticated" rule on every field', () => {
    const schema = protect(base(), rules);
    const consent = { requestId: 'r', principal: principal([]) };
    for (const f of ['a', 'b'])
      expect(resolverOf(schema, 'Secret', f)({ [f]: 'x' }, {}, { ...consent }, info)).toMatchObject(
        { extensions: { code: 'FORBIDDEN' }, message: 'Only a client token may do this' },
      );
    const client = { requestId: 'r', principal: principal([], 'client') };
    expect(resolverOf(schema, 'Secret', 'a')({ a: 'x' }, {}, client, at('a'))).toBe('x');
    const open = resolverOf(schema, 'Open', 'a');
    expect(open({ a: 'x' }, {}, { requestId: 'r' }, info)).toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(open({ a: 'x' }, {}, consent, at('a'))).toBe('x');
  });

  it('answers nested ruled fields synchronously, root fields through shield (a Promise)', () => {
    const b = base();
    const schema = protect(b, rules);
    const ctx = { requestId: 'r', principal: principal(['ReadAccountsBasic']) };
    const nested = resolverOf(schema, 'Account', 'balances')({ id: 'a1' }, {}, ctx, info);
    expect(nested).toBeInstanceOf(GraphQLError);
    const allowed = { requestId: 'r', principal: principal(['ReadBalances']) };
    expect(resolverOf(schema, 'Account', 'balances')({ id: 'a1' }, {}, allowed, info)).toEqual([
      { amount: '1.00' },
    ]);
    expect(resolverOf(schema, 'Query', 'accounts')({}, {}, allowed, info)).toBeInstanceOf(Promise);
    // Nested fields without a rule keep their own resolver.
    expect(resolverOf(schema, 'Account', 'nickname')).toBe(resolverOf(b, 'Account', 'nickname'));
  });

  it('refuses a rule map with a rule that lets anonymous callers through', () => {
    expect(() => protect(base(), { ...rules, Query: { accounts: allow } })).toThrow(
      /Query\.accounts must refuse anonymous callers/,
    );
    expect(() =>
      protect(base(), { ...rules, Account: { nickname: allOf(isAuthenticated, allow) } }),
    ).toThrow(/Account\.nickname must refuse anonymous callers/);
  });
});
