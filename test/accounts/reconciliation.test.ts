/**
 * Reconciliation and quarantine on SQLite and PostgreSQL, fed by a sandbox bank over HTTP:
 * a baseline on the first sync, a bank that books pending entries (a tip included) still
 * reconciles, a bank that drops a booked entry quarantines the account and is recorded, a
 * clean resync lifts it, and so does an operator's release.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReport } from '../../src/commands/accounts.ts';
import {
  compareOffsets,
  runningBalanceGaps,
  type RunningEntry,
} from '../../src/subgraphs/accounts/services/reconciliation.ts';
import { storeKinds } from '../support/stores.ts';
import { startStoreSystem, type StoreSystem } from './support/store-system.ts';

describe('compareOffsets', () => {
  it('is clean when the balance moved exactly as the booked transactions did', () => {
    expect(compareOffsets(null, '100.00', '40.00')).toEqual({
      actual: '60.00',
      difference: null,
      clean: true,
    });
    expect(compareOffsets('60.00', '90.50', '30.5')).toMatchObject({ clean: true });
    expect(compareOffsets('60.00', '100.00', '30.00')).toEqual({
      actual: '70.00',
      difference: '10.00',
      clean: false,
    });
    expect(compareOffsets('-5.00', '-20.00', '-15.01')).toMatchObject({
      difference: '0.01',
      clean: false,
    });
  });
});

describe('runningBalanceGaps', () => {
  const at = (h: number) => new Date(Date.UTC(2026, 0, 1, h));
  const e = (h: number, amount: string, cd: string, after: string | null): RunningEntry => ({
    amount,
    creditDebit: cd,
    bookingDateTime: at(h),
    balanceAfter: after,
  });
  const ledger = [
    e(1, '10.00', 'Credit', '110.00'),
    e(2, '5.5', 'Debit', '104.50'),
    e(2, '4.50', 'Debit', '100.00'), // same instant: the order does not matter
    e(3, '200.00', 'Debit', '-100.00'),
    e(4, '100.00', 'Credit', '0.00'),
  ];
  it('finds none where every balance before is another entry’s balance after', () => {
    expect(runningBalanceGaps(ledger)).toBe(0);
    expect(runningBalanceGaps([...ledger].reverse())).toBe(0);
  });
  it('counts an entry missing from the middle', () => {
    expect(runningBalanceGaps(ledger.filter((_, i) => i !== 3))).toBe(1);
  });
  it('looks only after the newest entry without a running balance', () => {
    const partial = [e(1, '10.00', 'Credit', null), ...ledger.slice(2)];
    expect(runningBalanceGaps(partial)).toBe(0);
    expect(runningBalanceGaps([...ledger.slice(0, 3), e(3, '200.00', 'Debit', null)])).toBe(0);
  });
});

for (const kind of storeKinds) {
  describe(`reconciliation on ${kind.provider}`, async () => {
    const available = await kind.available();
    let s: StoreSystem;
    let ids: string[];
    const sync = async () => {
      s.clock.advance(10 * 60_000); // past the freshness window
      expect(await s.services.bankData.refresh('balances', ids)).toEqual(new Map());
      expect(await s.services.bankData.refresh('transactions', ids)).toEqual(new Map());
    };
    const quarantined = () => s.services.reconciliation.quarantined(ids);
    beforeAll(async () => {
      if (!available) return;
      s = await startStoreSystem(await kind.create());
      await s.connect('psu_alice', 'alice', 'bank-obie');
      ids = await s.accountIds('psu_alice', 'bank-obie');
    });
    afterAll(async () => {
      if (!available) return;
      s.obie.resetFaults();
      s.obie.unsettle();
      await s.close();
    });

    it.skipIf(!available)(
      'the first sync sets the baseline; a settlement with a tip still reconciles',
      async () => {
        await sync();
        const rows = await s.db.account.findMany({ where: { id: { in: ids } } });
        expect(rows.every((r) => r.reconcileOffset !== null)).toBe(true);
        s.obie.settlePending({ tipPercent: 10 });
        await sync();
        const figures = await Promise.all(
          ids.map((id) => s.services.reconciliation.reconcile(id, false)),
        );
        expect(figures.map((f) => f.status)).toEqual(ids.map(() => 'clean'));
        expect(await quarantined()).toEqual([]);
        expect(await s.db.reconciliationDiscrepancy.count()).toBe(0);
      },
    );

    it.skipIf(!available)(
      'a bank dropping booked entries quarantines the accounts and records why; a clean resync lifts it',
      async () => {
        s.obie.setFaults({ dropBooked: 1 });
        // Both kinds at once, as one GraphQL request reads them: one record per account.
        s.clock.advance(10 * 60_000);
        await Promise.all([
          s.services.bankData.refresh('balances', ids),
          s.services.bankData.refresh('transactions', ids),
        ]);
        expect(await quarantined()).toEqual([...ids].sort());
        const records = await s.db.reconciliationDiscrepancy.findMany({
          where: { accountId: { in: ids } },
        });
        expect(records).toHaveLength(ids.length);
        for (const r of records) {
          expect(Number(r.difference)).not.toBe(0);
          expect(Number(r.actualOffset) - Number(r.expectedOffset)).toBeCloseTo(
            Number(r.difference),
            2,
          );
          expect(r.resolvedAt).toBeNull();
        }
        // The report shows the figures, read-only.
        const report = formatReport(await s.services.reconciliation.report());
        for (const r of records) {
          expect(report).toContain(r.accountId);
          expect(report).toContain(r.difference);
        }
        expect(report).toContain(`${ids.length} do not`);
        // Two checks of the same accounts at once record each discrepancy once.
        await s.db.account.updateMany({
          where: { id: { in: ids } },
          data: { reconciledAt: new Date(0) },
        });
        await Promise.all([
          s.services.reconciliation.afterSync(ids),
          s.services.reconciliation.afterSync(ids),
        ]);
        expect(
          await s.db.reconciliationDiscrepancy.count({ where: { accountId: { in: ids } } }),
        ).toBe(2 * ids.length);

        s.obie.resetFaults();
        await sync();
        expect(await quarantined()).toEqual([]);
        const resolved = await s.db.reconciliationDiscrepancy.findMany({
          where: { accountId: { in: ids } },
        });
        expect(resolved.map((r) => r.resolution)).toEqual(resolved.map(() => 'clean_resync'));
        expect(resolved).toHaveLength(2 * ids.length);
      },
    );

    it.skipIf(!available)(
      'an operator’s release lifts the quarantine and accepts the data as it is',
      async () => {
        s.obie.setFaults({ dropBooked: 2 });
        await sync();
        const [first, second] = ids as [string, string];
        expect(await quarantined()).toEqual([...ids].sort());
        const released = await s.services.reconciliation.release(first, 'ops@example');
        expect(released?.quarantined).toBe(false);
        expect(await quarantined()).toEqual([second]);
        const record = await s.db.reconciliationDiscrepancy.findFirstOrThrow({
          where: { accountId: first, resolution: 'released' },
        });
        expect(record.resolvedBy).toBe('ops@example');
        // The bank still drops the same entries: the released account now reconciles as it is.
        await sync();
        expect(await quarantined()).toEqual([second]);
        expect(await s.services.reconciliation.release('acc_nope', 'ops')).toBeUndefined();

        // Within the freshness window a read tells each account's quarantine as the store
        // has it (the warning then asks nothing more); past it, "unknown" (the bank is called).
        const seen = new Map<string, boolean | undefined>();
        const observe = (id: string, q: boolean | undefined) => seen.set(id, q);
        await s.services.bankData.refresh('balances', ids, {}, observe);
        expect(seen).toEqual(
          new Map([
            [first, false],
            [second, true],
          ]),
        );
        s.clock.advance(10 * 60_000);
        await s.services.bankData.refresh('balances', ids, {}, observe);
        expect(seen).toEqual(
          new Map([
            [first, undefined],
            [second, undefined],
          ]),
        );
      },
    );

    it.skipIf(!available)(
      'a gap in the running balance quarantines even on the first sync',
      async () => {
        await s.connect('psu_bob', 'bob', 'bank-obie');
        const bob = await s.accountIds('psu_bob', 'bank-obie');
        s.clock.advance(10 * 60_000);
        expect(await s.services.bankData.refresh('balances', bob)).toEqual(new Map());
        // The bank's own answer, less one booked entry from the middle of the history.
        const connectionId = (await s.db.account.findUniqueOrThrow({ where: { id: bob[0]! } }))
          .connectionId;
        const session = await s.services.connections.session(connectionId);
        const res = await fetch(
          `${s.obie.url}/open-banking/v3.1/aisp/transactions?fromBookingDateTime=2000-01-01T00:00:00`,
          { headers: { authorization: `Bearer ${session.accessToken}` } },
        );
        const body = (await res.json()) as {
          Data: { Transaction: { AccountId: string; Status: string; Balance?: unknown }[] };
        };
        const list = body.Data.Transaction;
        const booked = list.filter((t) => t.Status === 'Booked' && t.Balance);
        const middle = booked[Math.floor(booked.length / 2)]!;
        body.Data.Transaction = list.filter((t) => t !== middle);
        s.obie.setFaults({ failNext: [{ status: 200, body }] });
        expect(await s.services.bankData.refresh('transactions', bob)).toEqual(new Map());
        const records = await s.db.reconciliationDiscrepancy.findMany({
          where: { accountId: { in: bob } },
        });
        expect(records).toHaveLength(1);
        expect(records[0]!.runningBalanceGaps).toBe(1);
        expect(await s.services.reconciliation.quarantined(bob)).toEqual([records[0]!.accountId]);
        const report = formatReport(await s.services.reconciliation.report());
        expect(report).toMatch(new RegExp(`${records[0]!.accountId}.* 1 +yes`));
      },
    );
  });
}
