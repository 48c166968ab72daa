import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeSupergraph } from '../../src/gateway/compose.ts';
import { breakingChanges } from '../../src/schema-check/breaking.ts';
import { baselineFile, schemaDrift } from '../../src/schema-check/main.ts';

describe('checked-in schema', () => {
  let built: Awaited<ReturnType<typeof schemaDrift>>;
  beforeAll(async () => {
    built = await schemaDrift();
  });

  it('schema/*.graphql match what the code prints (run `npx tsx src/cli.ts schema print`)', () => {
    expect(built.drifted).toEqual([]);
  });

  it("the code's supergraph breaks nothing against schema/baseline/supergraph.graphql", async () => {
    expect(await breakingChanges(readFileSync(baselineFile, 'utf8'), built.supergraph)).toEqual([]);
  });
});

describe('breaking-change check', () => {
  const fed =
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
  const supergraph = (sdl: string) =>
    composeSupergraph([{ name: 'one', url: 'http://one/graphql', sdl: `${fed}\n${sdl}` }]);
  const baseline = supergraph(`
    type Query {
      account(id: ID!): Account
      accounts(first: Int): [Account!]!
      legacy: String @deprecated(reason: "use accounts")
      old(limit: Int @deprecated(reason: "ignored")): String
    }
    type Account { id: ID! nickname: String status: Status }
    enum Status { Open Closed Frozen @deprecated(reason: "never used") }
  `);
  const against = async (sdl: string) =>
    (await breakingChanges(baseline, supergraph(sdl))).map((c) => c.path);

  it('lets additions through', async () => {
    expect(
      await against(`
        type Query {
          account(id: ID!): Account
          accounts(first: Int, after: String): [Account!]!
          legacy: String @deprecated(reason: "use accounts")
          old(limit: Int @deprecated(reason: "ignored")): String
          balance: String
        }
        type Account { id: ID! nickname: String status: Status bankId: String }
        enum Status { Open Closed Frozen @deprecated(reason: "never used") }
      `),
    ).toEqual([]);
  });

  it('fails a removed field, a changed type and a removed enum value', async () => {
    expect(
      (
        await against(`
          type Query {
            account(id: ID!): Account
            accounts(first: Int): [Account!]!
            legacy: String @deprecated(reason: "use accounts")
            old(limit: Int @deprecated(reason: "ignored")): String
          }
          type Account { id: ID! nickname: Int }
          enum Status { Open Frozen @deprecated(reason: "never used") }
        `)
      ).sort(),
    ).toEqual(['Account.nickname', 'Account.status', 'Status.Closed']);
  });

  it('allows removing what the baseline had already marked @deprecated', async () => {
    expect(
      await against(`
        type Query { account(id: ID!): Account accounts(first: Int): [Account!]! old: String }
        type Account { id: ID! nickname: String status: Status }
        enum Status { Open Closed }
      `),
    ).toEqual([]);
  });

  it('fails a new required argument on an existing field', async () => {
    expect(
      await against(`
        type Query {
          account(id: ID!, bank: String!): Account
          accounts(first: Int): [Account!]!
          legacy: String @deprecated(reason: "use accounts")
          old(limit: Int @deprecated(reason: "ignored")): String
        }
        type Account { id: ID! nickname: String status: Status }
        enum Status { Open Closed Frozen @deprecated(reason: "never used") }
      `),
    ).toEqual(['Query.account.bank']);
  });
});
