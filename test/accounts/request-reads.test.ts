/**
 * What one request reads of the accounts store, on SQLite and PostgreSQL: the accounts it
 * loaded carry what the freshness checks need, so balances and transactions read no account
 * again; their transaction pages are one statement; and `syncedAt` is the time of the sync
 * the request made, else of the row it loaded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsentGrant } from '../../src/shared/auth/principal.ts';
import type { AccountsDb } from '../../src/subgraphs/accounts/db/client.ts';
import { createAccountServices } from '../../src/subgraphs/accounts/index.ts';
import { createAccountLoaders } from '../../src/subgraphs/accounts/loaders/index.ts';
import type { Account } from '../../src/subgraphs/accounts/schema/account.type.ts';
import { transactionBounds } from '../../src/subgraphs/accounts/services/access.ts';
import { DataRead } from '../../src/subgraphs/accounts/services/data-read.ts';
import { storeKinds } from '../support/stores.ts';
import { aliceConsent, aliceGrant } from './support/alice-consent.ts';
import { startStoreSystem, type StoreSystem } from './support/store-system.ts';

const grantOf = (accountIds: string[]): ConsentGrant =>
  aliceGrant(accountIds, ['ReadBalances', 'ReadTransactionsBasic', 'ReadTransactionsCredits']);
const bankData = { freshnessSeconds: 300, unattendedReadsPerDay: 100, bankTimeoutMs: 5_000 };

for (const kind of storeKinds) {
  describe(`one request's reads of the accounts store on ${kind.provider}`, async () => {
    const available = await kind.available();
    let s: StoreSystem;
    let grant: ConsentGrant;
    beforeAll(async () => {
      if (!available) return;
      s = await startStoreSystem(await kind.create());
      await s.connect('psu_alice', 'alice', 'bank-obie');
      await s.connect('psu_alice', 'alice', 'bank-bg');
      grant = grantOf([
        ...(await s.accountIds('psu_alice', 'bank-obie')),
        ...(await s.accountIds('psu_alice', 'bank-bg')),
      ]);
    });
    afterAll(async () => {
      if (available) await s.close();
    });

    /** A request's loaders, over these services, as the subgraph makes them. */
    const request = (services = s.services) =>
      createAccountLoaders(
        services,
        { requestId: 'r', principal: aliceConsent, grant },
        {},
        new DataRead(),
      );
    const calls = () => s.obie.callCount() + s.bg.callCount();
    const storedSyncedAt = async (accounts: Account[]) => {
      const rows = await s.db.account.findMany({
        where: { id: { in: accounts.map((a) => a.id) } },
      });
      return accounts.map((a) => rows.find((r) => r.id === a.id)!.transactionsSyncedAt);
    };

    it.skipIf(!available)(
      'syncedAt is the time of the sync the request made, and of the loaded row while fresh',
      async () => {
        const accounts = await s.services.accounts.visible(aliceConsent, grant);
        expect(accounts).toHaveLength(4);
        expect(accounts.every((a) => a.transactionsSyncedAt === null)).toBe(true);
        const synced = await request().transactionsSynced.loadMany(accounts);
        expect(synced.every((d) => d instanceof Date)).toBe(true);
        expect(synced).toEqual(await storedSyncedAt(accounts));

        s.clock.advance(60_000);
        s.obie.resetCallCount();
        s.bg.resetCallCount();
        const again = await s.services.accounts.visible(aliceConsent, grant);
        expect(await request().transactionsSynced.loadMany(again)).toEqual(synced);
        expect(calls()).toBe(0);
      },
    );

    it.skipIf(!available)(
      'a request reads each account once: its balances and transactions reuse the rows it loaded',
      async () => {
        await s.services.bankData.refresh('balances', grant.accountIds);
        await s.services.bankData.refresh('transactions', grant.accountIds);
        const statements: string[] = [];
        const counting = s.db.$extends({
          query: {
            $allOperations({ model, operation, args, query }) {
              // A statement written by hand is told by the table it reads first.
              const table = /FROM "(\w+)"/.exec((args as { sql?: string }).sql ?? '')?.[1];
              statements.push(`${model ?? table ?? ''}.${operation}`);
              return query(args);
            },
          },
        }) as unknown as AccountsDb;
        const services = createAccountServices({
          db: counting,
          banks: s.banks,
          clock: s.clock,
          encryption: { key: s.key },
          bankData,
        });
        s.obie.resetCallCount();
        s.bg.resetCallCount();
        const loaders = request(services);
        const accounts = await services.accounts.visible(aliceConsent, grant);
        const bounds = transactionBounds(aliceConsent, grant);
        const [balances, synced] = await Promise.all([
          loaders.balances.loadMany(accounts),
          loaders.transactionsSynced.loadMany(accounts),
        ]);
        expect(balances.every((b) => Array.isArray(b) && b.length > 0)).toBe(true);
        expect(synced).toEqual(await storedSyncedAt(accounts));
        expect(calls()).toBe(0);
        expect(statements.sort()).toEqual(['Account.$queryRaw', 'Balance.$queryRaw']);
        // The accounts' pages are one read of their own, and no account is read for them.
        statements.length = 0;
        const pages = await Promise.all(
          accounts.map((a) =>
            loaders.transactionPage.load({
              accountId: a.id,
              bounds,
              args: { first: 5, after: null },
              groups: [],
            }),
          ),
        );
        expect(pages.every((p) => p.items.length > 0)).toBe(true);
        expect(statements).toEqual(['Transaction.$queryRaw']);
      },
    );
  });
}
