/** Corrections, rules and the per-PSU model in the store, without GraphQL, on each database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  migrateAccountsDb,
  openAccountsDb,
  type AccountsDb,
} from '../../src/subgraphs/accounts/db/client.ts';
import { predict } from '../../src/subgraphs/accounts/enrichment/model.ts';
import { toStored } from '../../src/subgraphs/accounts/enrichment/stored.ts';
import type { TransactionBounds } from '../../src/subgraphs/accounts/services/access.ts';
import {
  CategoryService,
  type Corrector,
} from '../../src/subgraphs/accounts/services/category.service.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';

const all: TransactionBounds = {
  from: undefined,
  to: undefined,
  directions: ['Credit', 'Debit'],
  empty: false,
};

async function seed(db: AccountsDb) {
  await db.connection.create({
    data: { id: 'c1', psuId: 'psu_a', bankId: 'b', status: 'Active' },
  });
  for (const id of ['acc1', 'acc2']) {
    await db.account.create({
      data: {
        id,
        connectionId: 'c1',
        psuId: 'psu_a',
        bankId: 'b',
        accountType: 'Personal',
        currency: 'GBP',
        bankAccountRef: 'x',
      },
    });
  }
  const tx = (
    id: string,
    accountId: string,
    creditDebit: string,
    description: string,
    day: number,
  ) => {
    const fields = {
      creditDebit,
      description,
      counterpartyName: null,
      merchantName: null,
      merchantCategoryCode: null,
      bankTransactionCode: 'PMNT-CCRD-POSD',
      bankProprietaryCode: null,
    };
    return {
      id,
      accountId,
      status: 'Booked',
      amount: '9.99',
      currency: 'GBP',
      bookingDateTime: new Date(Date.UTC(2026, 0, day)),
      contentHash: id,
      firstSeenAt: new Date(),
      updatedAt: new Date(),
      ...fields,
      ...toStored(fields),
    };
  };
  await db.transaction.createMany({
    data: [
      tx('t1', 'acc1', 'Debit', 'PUREGYM MONTHLY 0042', 5),
      tx('t2', 'acc1', 'Debit', 'PUREGYM MONTHLY 0043', 6),
      tx('t3', 'acc1', 'Credit', 'PUREGYM REFUND', 7),
      tx('t4', 'acc2', 'Debit', 'VET CLINIC 12', 8),
    ],
  });
}

for (const kind of storeKinds) {
  describe(`corrections and rules on ${kind.provider}`, async () => {
    const available = await kind.available();
    let store: TestStore;
    let db: AccountsDb;
    let service: CategoryService;
    const who = (over: Partial<Corrector> = {}): Corrector => ({
      psuId: 'psu_a',
      clientId: 'app-1',
      consentId: 'consent-1',
      accountIds: ['acc1'],
      bounds: all,
      ...over,
    });

    beforeAll(async () => {
      if (!available) return;
      store = await kind.create();
      await migrateAccountsDb(store.url);
      db = openAccountsDb(store.url);
      await seed(db);
      service = new CategoryService(db);
    });
    afterAll(async () => {
      if (!available) return;
      await db.$disconnect();
      await store.drop();
    });

    it.skipIf(!available)(
      'a correction is stored and trains the model of its direction only',
      async () => {
        await service.setTransactionCategory(who(), 't1', 'PERSONAL_CARE_GYM_AND_FITNESS');
        const [teaching] = await service.teaching(['psu_a']);
        expect(teaching!.models.Credit).toBeNull();
        expect(teaching!.models.Debit!.docs).toEqual({ PERSONAL_CARE_GYM_AND_FITNESS: 1 });
        expect(await service.corrections('psu_a', ['t1', 't2'])).toEqual([
          { primary: 'PERSONAL_CARE', detailed: 'PERSONAL_CARE_GYM_AND_FITNESS' },
          null,
        ]);
      },
    );

    it.skipIf(!available)('changing a correction untrains the old example exactly', async () => {
      await service.setTransactionCategory(who(), 't1', 'ENTERTAINMENT_GAMES');
      await service.setTransactionCategory(who(), 't1', 'PERSONAL_CARE_GYM_AND_FITNESS');
      await service.setTransactionCategory(who(), 't2', 'PERSONAL_CARE_GYM_AND_FITNESS');
      const [teaching] = await service.teaching(['psu_a']);
      const model = teaching!.models.Debit!;
      expect(model.docs).toEqual({ PERSONAL_CARE_GYM_AND_FITNESS: 2 });
      expect(model.tokens['ENTERTAINMENT_GAMES']).toBeUndefined();
      expect(predict(model, ['puregym'])!.category.detailed).toBe('PERSONAL_CARE_GYM_AND_FITNESS');
    });

    it.skipIf(!available)(
      'only rows the consent shows may be corrected: other accounts, directions, windows are NOT_FOUND',
      async () => {
        const code = (p: Promise<unknown>) =>
          p.then(
            () => 'ok',
            (e: { code?: string }) => e.code,
          );
        expect(await code(service.setTransactionCategory(who(), 't4', 'FOOD_AND_DRINK_BAR'))).toBe(
          'NOT_FOUND',
        );
        const creditsOnly = who({ bounds: { ...all, directions: ['Credit'] } });
        expect(
          await code(service.setTransactionCategory(creditsOnly, 't1', 'FOOD_AND_DRINK_BAR')),
        ).toBe('NOT_FOUND');
        const window = who({ bounds: { ...all, from: new Date(Date.UTC(2026, 0, 7)) } });
        expect(await code(service.setTransactionCategory(window, 't1', 'FOOD_AND_DRINK_BAR'))).toBe(
          'NOT_FOUND',
        );
        expect(await code(service.setTransactionCategory(who(), 't1', 'NOPE'))).toBe(
          'BAD_USER_INPUT',
        );
        // Nothing of the refused attempts reached the store.
        expect(await service.corrections('psu_a', ['t1', 't4'])).toEqual([
          { primary: 'PERSONAL_CARE', detailed: 'PERSONAL_CARE_GYM_AND_FITNESS' },
          null,
        ]);
      },
    );

    it.skipIf(!available)(
      'removing a correction deletes it and retrains the model without it; only on visible rows',
      async () => {
        await service.setTransactionCategory(who(), 't1', 'PERSONAL_CARE_GYM_AND_FITNESS');
        await service.setTransactionCategory(who(), 't2', 'ENTERTAINMENT_GAMES');
        const creditsOnly = who({ bounds: { ...all, directions: ['Credit'] } });
        await expect(service.clearTransactionCategory(creditsOnly, 't2')).rejects.toMatchObject({
          code: 'NOT_FOUND',
        });
        // Another client app of the same PSU may remove it: corrections are the PSU's.
        expect(await service.clearTransactionCategory(who({ clientId: 'app-2' }), 't2')).toBe('t2');
        expect(await service.corrections('psu_a', ['t1', 't2'])).toEqual([
          { primary: 'PERSONAL_CARE', detailed: 'PERSONAL_CARE_GYM_AND_FITNESS' },
          null,
        ]);
        const [teaching] = await service.teaching(['psu_a']);
        expect(teaching!.models.Debit!.docs).toEqual({ PERSONAL_CARE_GYM_AND_FITNESS: 1 });
        expect(teaching!.models.Debit!.tokens['ENTERTAINMENT_GAMES']).toBeUndefined();
        // Nothing left to remove; a row outside the consent is NOT_FOUND either way.
        await expect(service.clearTransactionCategory(who(), 't2')).rejects.toMatchObject({
          code: 'NOT_FOUND',
        });
        await expect(service.clearTransactionCategory(who(), 't4')).rejects.toMatchObject({
          code: 'NOT_FOUND',
        });
        await service.clearTransactionCategory(who(), 't1');
        const [after] = await service.teaching(['psu_a']);
        expect(after!.models.Debit!.docs).toEqual({});
        expect(await service.corrections('psu_a', ['t1'])).toEqual([null]);
      },
    );

    it.skipIf(!available)(
      'rules: one per merchant, replaced by a newer one; a client lists and deletes only its own',
      async () => {
        const m = 'mer_AAAAAAAAAAAAAAAA';
        await service.createRule(who(), m, 'FOOD_AND_DRINK_BAR');
        const other = who({ clientId: 'app-2' });
        const replaced = await service.createRule(other, m, 'FOOD_AND_DRINK_COFFEE');
        const [teaching] = await service.teaching(['psu_a']);
        expect(teaching!.rules.get(m)?.detailed).toBe('FOOD_AND_DRINK_COFFEE');
        expect(await service.rules(who())).toEqual([]);
        expect((await service.rules(other)).map((r) => r.id)).toEqual([replaced.id]);
        await expect(service.deleteRule(who(), replaced.id)).rejects.toMatchObject({
          code: 'NOT_FOUND',
        });
        expect(await service.deleteRule(other, replaced.id)).toBe(true);
        await expect(
          service.createRule(who(), 'TESCO', 'FOOD_AND_DRINK_BAR'),
        ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
        const [another] = await service.teaching(['psu_b']);
        expect(another!.rules.size).toBe(0);
      },
    );
  });
}
