/**
 * protect(): every field authorised, with shield's wrapper only where a decision can differ
 * from the one already taken at the root (docs/BENCHMARKS.md "Subgraph hot path").
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import { execute, parse, type GraphQLObjectType } from 'graphql';
import { allow } from 'graphql-shield';
import { describe, expect, it } from 'vitest';
import type { SubgraphContext } from '../../src/shared/auth/context.ts';
import type { Principal } from '../../src/shared/auth/principal.ts';
import { allOf, protect, requireKind, requireScope } from '../../src/shared/auth/shield.ts';

const typeDefs = `
  type Query { accounts: [Account!]! }
  type Account { id: ID! nickname: String balances: [Balance!] identification: String }
  type Balance { amount: String! }
`;
const resolvers = {
  Query: { accounts: () => [{ id: 'a1' }, { id: 'a2' }] },
  Account: {
    nickname: (a: { id: string }) => `account ${a.id}`,
    balances: () => [{ amount: '1.00' }],
    identification: () => '12345678',
  },
};
const rules = {
  Query: { accounts: requireScope('ReadAccountsBasic') },
  Account: {
    balances: requireScope('ReadBalances'),
    identification: allOf(requireKind('consent'), requireScope('ReadAccountsDetail')),
  },
};

const principal = (scopes: string[]): Principal => ({
  kind: 'consent',
  subject: 'alice',
  clientId: 'demo-pfm',
  scopes,
  tokenId: 't',
  issuer: 'test',
  expiresAt: 0,
});

async function run(ctx: SubgraphContext) {
  const schema = protect(makeExecutableSchema({ typeDefs, resolvers }), rules);
  return execute({
    schema,
    document: parse('{ accounts { id nickname balances { amount } identification } }'),
    contextValue: ctx,
  });
}

describe('protect', () => {
  it('refuses an anonymous caller at the root, so no nested field is reached', async () => {
    const res = await run({ requestId: 'r' });
    expect(res.data).toBeNull();
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('still decides every field with a rule of its own, per field', async () => {
    const res = await run({ requestId: 'r', principal: principal(['ReadAccountsBasic']) });
    expect(res.data?.accounts).toEqual([
      { id: 'a1', nickname: 'account a1', balances: null, identification: null },
      { id: 'a2', nickname: 'account a2', balances: null, identification: null },
    ]);
    expect(new Set(res.errors?.map((e) => e.extensions?.code))).toEqual(new Set(['FORBIDDEN']));
    expect(res.errors).toHaveLength(4);

    const all = await run({
      requestId: 'r',
      principal: principal(['ReadAccountsBasic', 'ReadBalances', 'ReadAccountsDetail']),
    });
    expect(all.errors).toBeUndefined();
    expect(all.data?.accounts).toHaveLength(2);
  });

  it("leaves nested fields without a rule unwrapped and keeps shield's wrapper on the rest", () => {
    const base = makeExecutableSchema({ typeDefs, resolvers });
    const field = (s: typeof base, type: string, name: string) =>
      (s.getType(type) as GraphQLObjectType).getFields()[name]!.resolve;
    const schema = protect(base, rules);
    expect(field(schema, 'Account', 'nickname')).toBe(field(base, 'Account', 'nickname'));
    expect(field(schema, 'Balance', 'amount')).toBe(field(base, 'Balance', 'amount'));
    expect(field(schema, 'Account', 'balances')).not.toBe(field(base, 'Account', 'balances'));
    expect(field(schema, 'Query', 'accounts')).not.toBe(field(base, 'Query', 'accounts'));
  });

  it('refuses a rule map with a rule that lets anonymous callers through', () => {
    const schema = makeExecutableSchema({ typeDefs, resolvers });
    expect(() => protect(schema, { ...rules, Query: { accounts: allow } })).toThrow(
      /Query\.accounts must refuse anonymous callers/,
    );
  });
});
