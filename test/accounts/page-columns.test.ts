/**
 * A page of transactions reads the columns its request's selection needs, and no others, on
 * SQLite and PostgreSQL: the SQL the accounts subgraph sends for a GraphQL request names
 * only the core and the groups of the fields asked, and what it answers is what a read of
 * every column answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsentGrant, Principal } from '../../src/shared/auth/principal.ts';
import type { AccountsDb } from '../../src/subgraphs/accounts/db/client.ts';
import {
  allGroups,
  columnGroups,
  type ColumnGroup,
} from '../../src/subgraphs/accounts/db/transaction-page.ts';
import { createAccountsSubgraph } from '../../src/subgraphs/accounts/index.ts';
import { createAccountLoaders } from '../../src/subgraphs/accounts/loaders/index.ts';
import type { AccountsContext } from '../../src/subgraphs/accounts/resolvers/context.ts';
import { transactionBounds } from '../../src/subgraphs/accounts/services/access.ts';
import { DataRead } from '../../src/subgraphs/accounts/services/data-read.ts';
import { storeKinds } from '../support/stores.ts';
import { aliceConsent, aliceGrant } from './support/alice-consent.ts';
import { startStoreSystem, type StoreSystem } from './support/store-system.ts';

const permissions = [
  'ReadAccountsBasic',
  'ReadTransactionsBasic',
  'ReadTransactionsDetail',
  'ReadTransactionsCredits',
  'ReadTransactionsDebits',
];
const principal: Principal = { ...aliceConsent, scopes: permissions };
const bankData = { freshnessSeconds: 300, unattendedReadsPerDay: 100, bankTimeoutMs: 5_000 };

/** The columns each member of a page statement SELECTs (one list per page read). */
function selectedColumns(sql: string): string[][] {
  const lists = [
    ...sql.matchAll(/SELECT (?:\d+ AS "page", )?((?:"\w+"(?:, )?)+)\s+FROM "Transaction"/g),
  ];
  return lists.map((m) => [...m[1]!.matchAll(/"(\w+)"/g)].map((c) => c[1]!));
}
const columnsOf = (groups: readonly ColumnGroup[]) =>
  [...new Set(['core' as const, ...groups].flatMap((g) => columnGroups[g]))].sort();

const dashboard = 'id status amount currency creditDebit bookingDateTime description';
const everyField = `id accountId status amount currency creditDebit bookingDateTime valueDateTime
  description counterparty merchant { id name categoryCode }
  category { primary detailed confidence reason }
  matchedFrom { pendingAmount pendingBookingDateTime confidence matchedAt } pendingCandidates`;
const pageOf = (fields: string) =>
  `{ accounts { id transactions(first: 8) { pageInfo { endCursor } edges { cursor node { ${fields} } } } } }`;

for (const kind of storeKinds) {
  describe(`the columns a page of transactions reads on ${kind.provider}`, async () => {
    const available = await kind.available();
    let s: StoreSystem;
    let grant: ConsentGrant;
    let subgraph: Awaited<ReturnType<typeof createAccountsSubgraph>>;
    const statements: string[] = [];
    beforeAll(async () => {
      if (!available) return;
      s = await startStoreSystem(await kind.create());
      await s.connect('psu_alice', 'alice', 'bank-obie');
      await s.connect('psu_alice', 'alice', 'bank-bg');
      const ids = [
        ...(await s.accountIds('psu_alice', 'bank-obie')),
        ...(await s.accountIds('psu_alice', 'bank-bg')),
      ];
      grant = aliceGrant(ids, permissions);
      await s.services.bankData.refresh('transactions', ids);
      // One settled pending entry and one flagged booking, so the pending-match fields say
      // something.
      const [matched, flagged] = await s.db.transaction.findMany({
        where: { accountId: { in: ids }, removedAt: null },
        orderBy: { bookingDateTime: 'desc' },
        take: 2,
      });
      await s.db.transaction.update({
        where: { id: matched!.id },
        data: {
          matchConfidence: 0.9,
          pendingAmount: '12.30',
          pendingDateTime: new Date('2026-01-02T03:04:05Z'),
          matchedAt: new Date('2026-01-03T03:04:05Z'),
        },
      });
      await s.db.transaction.update({
        where: { id: flagged!.id },
        data: { matchCandidates: JSON.stringify(['p1', 'p2']) },
      });
      const recording = s.db.$extends({
        query: {
          $allOperations({ operation, args, query }) {
            if (operation === '$queryRaw') statements.push((args as { sql: string }).sql);
            return query(args);
          },
        },
      }) as unknown as AccountsDb;
      subgraph = await createAccountsSubgraph({
        db: recording,
        banks: s.banks,
        clock: s.clock,
        encryption: { key: s.key },
        bankData,
        internalSecret: 'not-used-here-not-used-here-not-used',
        maxBodyBytes: 1_000_000,
      });
    });
    afterAll(async () => {
      if (!available) return;
      await subgraph.server.stop();
      await s.close();
    });

    /** The request as the subgraph runs it, with its own loaders; its page statements. */
    async function run(query: string) {
      const base = { requestId: 'r', principal, grant };
      const contextValue: AccountsContext = {
        ...base,
        presence: {},
        loaders: createAccountLoaders(subgraph.services, base, {}, new DataRead()),
      };
      statements.length = 0;
      const res = await subgraph.server.executeOperation({ query }, { contextValue });
      if (res.body.kind !== 'single') throw new Error('not a single result');
      expect(res.body.singleResult.errors).toBeUndefined();
      const pages = statements.filter((q) => q.includes('FROM "Transaction"'));
      return { data: res.body.singleResult.data, pages };
    }
    /** Each transaction of a response, by id, keeping only these fields. */
    const nodesOf = (data: unknown, fields: string[]) =>
      (
        data as { accounts: { transactions: { edges: { node: Record<string, unknown> }[] } }[] }
      ).accounts
        .flatMap((a) => a.transactions.edges.map((e) => e.node))
        .map((n) => Object.fromEntries(fields.map((f) => [f, n[f]])));

    it.skipIf(!available)(
      'the dashboard’s fields read the core and the statement line, in one statement',
      async () => {
        const { data, pages } = await run(pageOf(dashboard));
        expect(pages).toHaveLength(1);
        // The union's order is the pages' own, not whatever order the store joins them in.
        expect(pages[0]).toMatch(/ UNION ALL /);
        expect(pages[0]).toMatch(/"p\d+"\s+ORDER BY "page", "bookingDateTime" DESC, "id" DESC$/);
        const lists = selectedColumns(pages[0]!);
        expect(lists).toHaveLength(4);
        for (const list of lists) expect([...list].sort()).toEqual(columnsOf(['description']));
        expect(nodesOf(data, ['description']).some((n) => typeof n.description === 'string')).toBe(
          true,
        );
      },
    );

    it.skipIf(!available)('cursors and page info alone read the core only', async () => {
      const { pages } = await run(
        `{ accounts { transactions(first: 3) { pageInfo { hasNextPage endCursor } edges { cursor } } } }`,
      );
      expect(pages).toHaveLength(1);
      for (const list of selectedColumns(pages[0]!))
        expect([...list].sort()).toEqual(columnsOf([]));
    });

    it.skipIf(!available)(
      'merchant, category and the pending match read their groups and answer what a read of every column answers',
      async () => {
        const full = await run(pageOf(everyField));
        for (const list of selectedColumns(full.pages[0]!)) {
          expect([...list].sort()).toEqual(columnsOf(allGroups));
        }
        expect(columnsOf(allGroups)).toHaveLength(25);
        const cases: [string, ColumnGroup[], string[]][] = [
          ['merchant { id name categoryCode }', ['enrichment'], ['merchant']],
          ['category { primary detailed confidence reason }', ['enrichment'], ['category']],
          [
            'matchedFrom { pendingAmount pendingBookingDateTime confidence matchedAt } pendingCandidates',
            ['pendingMatch'],
            ['matchedFrom', 'pendingCandidates'],
          ],
          [
            'valueDateTime counterparty',
            ['valueDate', 'counterparty'],
            ['valueDateTime', 'counterparty'],
          ],
        ];
        for (const [fields, groups, names] of cases) {
          const partial = await run(pageOf(`id bookingDateTime ${fields}`));
          expect(partial.pages).toHaveLength(1);
          for (const list of selectedColumns(partial.pages[0]!)) {
            expect([...list].sort()).toEqual(columnsOf(groups));
          }
          const shown = ['id', 'bookingDateTime', ...names];
          expect(nodesOf(partial.data, shown)).toEqual(nodesOf(full.data, shown));
        }
        // The compared values are not all empty.
        const all = nodesOf(full.data, [
          'merchant',
          'category',
          'matchedFrom',
          'pendingCandidates',
        ]);
        expect(all.some((n) => n.merchant !== null)).toBe(true);
        expect(all.some((n) => n.matchedFrom !== null)).toBe(true);
        expect(all.some((n) => (n.pendingCandidates as string[]).length > 0)).toBe(true);
      },
    );

    it.skipIf(!available)(
      'a page loaded for fewer fields is not handed to a selection that needs more',
      async () => {
        const loaders = createAccountLoaders(
          subgraph.services,
          { requestId: 'r', principal, grant },
          {},
          new DataRead(),
        );
        const key = {
          accountId: grant.accountIds[0]!,
          bounds: transactionBounds(principal, grant),
          args: { first: 4, after: null },
        };
        const core = await loaders.transactionPage.load({ ...key, groups: [] });
        expect(core.items[0]!.node.enrichment).toBeUndefined();
        const enriched = await loaders.transactionPage.load({ ...key, groups: ['enrichment'] });
        expect(enriched.items.map((i) => i.node.id)).toEqual(core.items.map((i) => i.node.id));
        expect(enriched.items.every((i) => i.node.enrichment !== undefined)).toBe(true);
        // Two selections in one batch: one statement with the union of their columns.
        statements.length = 0;
        const [a, b] = await Promise.all([
          loaders.transactionPage.load({ ...key, args: { first: 5, after: null }, groups: [] }),
          loaders.transactionPage.load({
            ...key,
            accountId: grant.accountIds[1]!,
            groups: ['pendingMatch'],
          }),
        ]);
        expect(statements).toHaveLength(1);
        for (const list of selectedColumns(statements[0]!)) {
          expect([...list].sort()).toEqual(columnsOf(['pendingMatch']));
        }
        expect(
          [a, b].every((p) => p.items.every((i) => Array.isArray(i.node.pendingCandidates))),
        ).toBe(true);
      },
    );
  });
}
