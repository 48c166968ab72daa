/**
 * Rules by jurisdiction in the accounts service, on SQLite and PostgreSQL against sandbox
 * banks over HTTP: the bank's country (GB: UK, DE: EU) decides how long its consent runs,
 * how often it is read without the PSU, and what its transactions are tagged with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/shared/errors/index.ts';
import { rulesFor } from '../../src/shared/jurisdiction/index.ts';
import { storeKinds } from '../support/stores.ts';
import { startStoreSystem, type StoreSystem } from './support/store-system.ts';

const dayMs = 86_400_000;

for (const kind of storeKinds) {
  describe(`jurisdiction rules in the accounts service on ${kind.provider}`, async () => {
    const available = await kind.available();
    let s: StoreSystem;
    beforeAll(async () => {
      if (available) s = await startStoreSystem(await kind.create());
    });
    afterAll(async () => {
      if (available) await s.close();
    });

    it.skipIf(!available)(
      'a bank consent runs for its jurisdiction’s re-authentication period: 90 days in the UK, 180 in the EU',
      async () => {
        const now = s.clock.now().getTime();
        const uk = await s.services.connections.start('psu_dave', 'bank-obie');
        const eu = await s.services.connections.start('psu_dave', 'bank-bg');
        const days = (d: Date | null) => Math.round((d!.getTime() - now) / dayMs);
        expect(days(uk.connection.consentExpiresAt)).toBe(rulesFor('UK').reauthenticationDays);
        expect(days(eu.connection.consentExpiresAt)).toBe(rulesFor('EU').reauthenticationDays);
        expect([
          days(uk.connection.consentExpiresAt),
          days(eu.connection.consentExpiresAt),
        ]).toEqual([90, 180]);
      },
    );

    it.skipIf(!available)('transactions are tagged with their bank’s country', async () => {
      await s.connect('psu_alice', 'alice', 'bank-obie');
      await s.connect('psu_alice', 'alice', 'bank-bg');
      const uk = await s.accountIds('psu_alice', 'bank-obie');
      const eu = await s.accountIds('psu_alice', 'bank-bg');
      expect(await s.services.bankData.refresh('transactions', [...uk, ...eu])).toEqual(new Map());
      const countries = async (ids: string[]) =>
        (
          await s.db.transaction.groupBy({
            by: ['country'],
            where: { accountId: { in: ids } },
            _count: { _all: true },
          })
        ).map((g) => g.country);
      expect(await countries(uk)).toEqual(['GB']);
      expect(await countries(eu)).toEqual(['DE']);
      // A row stored before the column existed gets its bank's country on the next sync.
      await s.db.transaction.updateMany({ where: { accountId: uk[0] }, data: { country: null } });
      s.clock.advance(10 * 60_000);
      expect(await s.services.bankData.refresh('transactions', [uk[0]!])).toEqual(new Map());
      expect(await countries([uk[0]!])).toEqual(['GB']);
    });

    it.skipIf(!available)(
      'without an override, unattended reads stop at the jurisdiction’s limit (4 a day)',
      async () => {
        const byRule = s.servicesWith({ freshnessSeconds: 0, unattendedReadsPerDay: undefined });
        await s.connect('psu_bob', 'bob', 'bank-bg');
        const [first] = (await s.accountIds('psu_bob', 'bank-bg')) as [string];
        const limit = rulesFor('EU').unattendedReadsPerDay;
        expect(limit).toBe(4);
        s.clock.advance(2 * dayMs);
        for (let i = 0; i < limit; i++)
          expect(await byRule.bankData.refresh('balances', [first])).toEqual(new Map());
        s.bg.resetCallCount();
        expect(await byRule.bankData.refresh('balances', [first])).toEqual(new Map());
        expect(s.bg.callCount({ pathPrefix: '/v1/accounts' })).toBe(0);
        const refused = (await byRule.bankData.refresh('transactions', [first])).get(first);
        expect(isAppError(refused) && refused.details).toMatchObject({
          reason: 'unattended_access_limit',
        });
      },
    );
  });
}
