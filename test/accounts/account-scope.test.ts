/**
 * Which accounts a caller may see, read by hand (src/subgraphs/accounts/db/account-read.ts),
 * on SQLite and PostgreSQL: a consent-bound token sees only its PSU's accounts that the
 * consent selected, a PSU all of their own, and nobody the accounts of a connection that is
 * not Active; answers come in id order, and balances in the order they were stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/shared/auth/principal.ts';
import { storeKinds } from '../support/stores.ts';
import { aliceConsent, aliceGrant, psuPrincipal as psu } from './support/alice-consent.ts';
import { startStoreSystem, type StoreSystem } from './support/store-system.ts';

const ids = (accounts: ({ id: string } | null)[]) => accounts.map((a) => a?.id ?? null);

for (const kind of storeKinds) {
  describe(`who sees which account on ${kind.provider}`, async () => {
    const available = await kind.available();
    let s: StoreSystem;
    let alice: { obie: string[]; bg: string[] };
    let bob: string[];
    beforeAll(async () => {
      if (!available) return;
      s = await startStoreSystem(await kind.create());
      await s.connect('psu_alice', 'alice', 'bank-obie');
      await s.connect('psu_alice', 'alice', 'bank-bg');
      await s.connect('psu_bob', 'bob', 'bank-obie');
      alice = {
        obie: await s.accountIds('psu_alice', 'bank-obie'),
        bg: await s.accountIds('psu_alice', 'bank-bg'),
      };
      bob = await s.accountIds('psu_bob', 'bank-obie');
    });
    afterAll(async () => {
      if (available) await s.close();
    });

    it.skipIf(!available)(
      'a consent sees its PSU’s selected accounts only, whatever else its grant names',
      async () => {
        const chosen = [alice.bg[0]!, alice.obie[1]!];
        // Bob's account in alice's grant (a forged or stale list) is still not hers to see.
        const grant = aliceGrant([...chosen, bob[0]!], ['ReadAccountsBasic']);
        const seen = await s.services.accounts.visible(aliceConsent, grant);
        expect(ids(seen)).toEqual([...chosen].sort());
        const asked = [alice.obie[0]!, chosen[0]!, bob[0]!, 'acc_made_up', chosen[1]!];
        expect(ids(await s.services.accounts.byIds(aliceConsent, grant, asked))).toEqual([
          null,
          chosen[0],
          null,
          null,
          chosen[1],
        ]);
        const none = aliceGrant([], ['ReadAccountsBasic']);
        expect(await s.services.accounts.visible(aliceConsent, none)).toEqual([]);
        expect(ids(await s.services.accounts.byIds(aliceConsent, none, chosen))).toEqual([
          null,
          null,
        ]);
      },
    );

    it.skipIf(!available)(
      'a PSU sees all of their own, per connection; a connection not Active hides its accounts',
      async () => {
        const all = [...alice.obie, ...alice.bg].sort();
        expect(ids(await s.services.accounts.visible(psu('psu_alice'), undefined))).toEqual(all);
        const connections = await s.db.connection.findMany({
          where: { psuId: 'psu_alice' },
          orderBy: { bankId: 'asc' },
        });
        const [bg, obie] = [connections[0]!, connections[1]!];
        const perConnection = await s.services.accounts.ofConnections(psu('psu_alice'), undefined, [
          obie.id,
          bg.id,
          'con_made_up',
        ]);
        expect(perConnection.map(ids)).toEqual([alice.obie, alice.bg, []]);

        await s.db.connection.update({ where: { id: bg.id }, data: { status: 'Revoked' } });
        try {
          expect(ids(await s.services.accounts.visible(psu('psu_alice'), undefined))).toEqual(
            alice.obie,
          );
          const grant = aliceGrant(all, ['ReadAccountsBasic']);
          expect(ids(await s.services.accounts.visible(aliceConsent, grant))).toEqual(alice.obie);
          expect(ids(await s.services.accounts.byIds(aliceConsent, grant, alice.bg))).toEqual([
            null,
            null,
          ]);
        } finally {
          await s.db.connection.update({ where: { id: bg.id }, data: { status: 'Active' } });
        }
      },
    );

    it.skipIf(!available)('anyone else is refused', async () => {
      const client: Principal = { ...psu('demo-pfm'), kind: 'client', clientId: 'demo-pfm' };
      await expect(s.services.accounts.visible(client, undefined)).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      // A consent-bound token without its grant (the lookup failed) sees nothing either.
      await expect(s.services.accounts.visible(aliceConsent, undefined)).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
    });

    it.skipIf(!available)(
      'balances come per account, in the order stored, with their dates as dates',
      async () => {
        const accounts = [alice.obie[0]!, 'acc_made_up', alice.bg[0]!];
        await s.services.bankData.refresh('balances', [alice.obie[0]!, alice.bg[0]!]);
        const stored = await s.db.balance.findMany({
          where: { accountId: { in: accounts } },
          orderBy: { id: 'asc' },
        });
        const read = await s.services.accounts.storedBalances(accounts);
        expect(read.map((b) => b.length)).toEqual(
          accounts.map((id) => stored.filter((r) => r.accountId === id).length),
        );
        expect(read[0]!.length).toBeGreaterThan(0);
        expect(read.flat()).toEqual(
          [alice.obie[0]!, alice.bg[0]!].flatMap((id) =>
            stored
              .filter((r) => r.accountId === id)
              .map((r) => ({
                type: r.type,
                amount: r.amount,
                currency: r.currency,
                creditDebit: r.creditDebit,
                dateTime: r.dateTime,
              })),
          ),
        );
        expect(read.flat().every((b) => b.dateTime instanceof Date)).toBe(true);
        expect(await s.services.accounts.storedBalances([])).toEqual([]);
      },
    );
  });
}
