/**
 * Background sync against real sandbox banks over HTTP, on a clock the test moves: the PSD2
 * budget on unattended reads holds over simulated days, slots are spread by a hash, the
 * count survives a restart, the PSU's own reads do not count, and a changed bank answer
 * is found by the sync a slot triggers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BackgroundSync,
  slotOffsetMs,
  slotStart,
} from '../../src/subgraphs/accounts/services/background-sync.ts';
import { storeKinds } from '../support/stores.ts';
import { startStoreSystem, type StoreSystem } from '../accounts/support/store-system.ts';

const hour = 3_600_000;
const day = 24 * hour;
const perDay = 4;
const step = 20 * 60_000;
const obieBase = '/open-banking/v3.1/aisp';

describe('slots', () => {
  it('are stable per key and spread evenly over the period', () => {
    const period = day / perDay;
    expect(slotOffsetMs('con_a', period)).toBe(slotOffsetMs('con_a', period));
    const buckets = new Array<number>(6).fill(0);
    for (let i = 0; i < 3000; i++) {
      const offset = slotOffsetMs(`con_${i}`, period);
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(period);
      buckets[Math.floor((offset / period) * 6)]! += 1;
    }
    // 500 expected per bucket: a stampede (everyone at the period's start) would put 3000 in one.
    for (const b of buckets) expect(b).toBeGreaterThan(400);
    for (const b of buckets) expect(b).toBeLessThan(600);
  });

  it('start at the latest slot boundary at or before now', () => {
    const now = new Date('2026-12-02T12:00:00Z');
    const start = slotStart('con_a', now, perDay);
    expect(start.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(now.getTime() - start.getTime()).toBeLessThan(day / perDay);
    expect((start.getTime() - slotOffsetMs('con_a', day / perDay)) % (day / perDay)).toBe(0);
  });
});

// The budget lives in the store: both kinds the product runs on.
for (const kind of storeKinds) {
  describe(`background sync on ${kind.provider}`, async () => {
    const available = await kind.available();
    let s: StoreSystem;

    beforeAll(async () => {
      if (!available) return;
      s = await startStoreSystem(await kind.create(), { unattendedReadsPerDay: perDay });
      await s.connect('psu_alice', 'alice', 'bank-obie');
    });
    afterAll(async () => {
      if (available) await s.close();
    });

    const syncOf = (services = s.services) =>
      new BackgroundSync({
        db: s.db,
        bankData: services.bankData,
        clock: s.clock,
        perDay,
      });

    /** Unattended transaction reads of these accounts, oldest first. */
    async function unattended(accountIds: string[]) {
      return s.db.bankRead.findMany({
        where: { accountId: { in: accountIds }, psuPresent: false },
        orderBy: { at: 'asc' },
      });
    }

    /** Moves the clock in steps, ticking at each, as the running service would. */
    async function walk(sync: BackgroundSync, ms: number) {
      for (let t = 0; t < ms; t += step) {
        s.clock.advance(step);
        await sync.tick();
      }
    }

    it.skipIf(!available)(
      'finds the changes when the bank answers differently at the next slot',
      async () => {
        const alice = await s.accountIds('psu_alice', 'bank-obie');
        const connectionId = (await s.db.account.findFirstOrThrow({ where: { id: alice[0]! } }))
          .connectionId;
        // Her data as the bank has it now (read with her present), then past the freshness window.
        await s.services.bankData.refresh('transactions', alice, { psuIpAddress: '198.51.100.7' });
        s.clock.advance(6 * 60_000);
        // Just before the next slot, so the session is fresh when the slot's read happens.
        const next = slotStart(connectionId, s.clock.now(), perDay).getTime() + day / perDay;
        s.clock.advance(next - s.clock.now().getTime() - 1000);
        const session = await s.services.connections.session(connectionId);
        const res = await fetch(
          `${s.obie.url}${obieBase}/transactions?fromBookingDateTime=2000-01-01T00:00:00`,
          { headers: { authorization: `Bearer ${session.accessToken}` } },
        );
        const body = (await res.json()) as {
          Data: { Transaction: { TransactionId: string; AccountId: string }[] };
        };
        const first = body.Data.Transaction[0]!;
        body.Data.Transaction.push({ ...first, TransactionId: `${first.TransactionId}-NEW` });
        s.obie.setFaults({ failNext: [{ status: 200, body }] });
        const before = await s.db.transactionChange.count({ where: { accountId: { in: alice } } });

        s.clock.advance(2000);
        const outcome = await syncOf().tick();
        s.obie.resetFaults();
        expect(outcome).toEqual({ due: alice.length, failed: 0 });
        const changes = await s.db.transactionChange.findMany({
          where: { accountId: { in: alice } },
          orderBy: { id: 'asc' },
          skip: before,
        });
        expect(changes.map((c) => c.kind)).toEqual(['added']);
        const stored = await s.db.transaction.findUniqueOrThrow({
          where: { id: changes[0]!.transactionId },
        });
        expect(alice).toContain(stored.accountId);
      },
    );

    it.skipIf(!available)(
      'never exceeds the unattended budget over two simulated days, and uses each slot',
      async () => {
        const ids = await s.accountIds('psu_alice', 'bank-obie');
        const connectionId = (await s.db.account.findFirstOrThrow({ where: { id: ids[0]! } }))
          .connectionId;
        const sync = syncOf();
        const start = s.clock.now().getTime();
        s.obie.resetCallCount();
        await walk(sync, 2 * day);

        const reads = await unattended(ids);
        for (const id of ids) {
          const times = reads.filter((r) => r.accountId === id).map((r) => r.at.getTime());
          // At no instant more than `perDay` reads in the 24 hours before it (PSD2 RTS art. 36).
          for (const t of times) {
            expect(times.filter((u) => u > t - day && u <= t).length).toBeLessThanOrEqual(perDay);
          }
          // Every slot of the second day served: one read per slot, a slot's length apart.
          const secondDay = times.filter((t) => t >= start + day && t < start + 2 * day);
          expect(secondDay.length).toBe(perDay);
          // ... each in a slot of its own.
          const period = day / perDay;
          const connectionOffset = slotOffsetMs(connectionId, period);
          const slotsUsed = new Set(
            secondDay.map((t) => Math.floor((t - connectionOffset) / period)),
          );
          expect(slotsUsed.size).toBe(perDay);
        }
        // A connection's accounts share their slots: one bulk call per slot at the OBIE bank.
        const obieCalls = s.obie.callCount({ pathPrefix: `${obieBase}/transactions` });
        expect(obieCalls).toBeGreaterThanOrEqual(2 * perDay);
        expect(obieCalls).toBeLessThanOrEqual(2 * perDay + 1);
      },
    );

    it.skipIf(!available)(
      'keeps the count over a restart: a spent budget stays spent, a served slot is not repeated',
      async () => {
        await s.connect('psu_bob', 'bob', 'bank-obie');
        const ids = await s.accountIds('psu_bob', 'bank-obie');
        const connectionId = (await s.db.account.findFirstOrThrow({ where: { id: ids[0]! } }))
          .connectionId;
        // An app reads without the PSU until the budget is spent.
        for (let i = 0; i < perDay; i++) {
          s.clock.advance(6 * 60_000); // past the freshness window
          expect(await s.services.bankData.refresh('transactions', ids)).toEqual(new Map());
        }
        expect((await unattended(ids)).length).toBe(perDay * ids.length);

        // A new process over the same store: the next slot finds the budget spent.
        const restarted = syncOf(s.servicesWith());
        const next = slotStart(connectionId, s.clock.now(), perDay).getTime() + day / perDay;
        s.clock.advance(next - s.clock.now().getTime() + 1000);
        await restarted.tick();
        expect((await unattended(ids)).length).toBe(perDay * ids.length);

        // A day later the budget is back: the slot is served once, and a second restart
        // within the same slot does not serve it again.
        s.clock.advance(day);
        await restarted.tick();
        expect((await unattended(ids)).length).toBe((perDay + 1) * ids.length);
        s.clock.advance(60_000);
        await syncOf(s.servicesWith()).tick();
        expect((await unattended(ids)).length).toBe((perDay + 1) * ids.length);
      },
    );

    it.skipIf(!available)("does not count the PSU's own reads against the budget", async () => {
      await s.connect('psu_carol', 'carol', 'bank-obie');
      const ids = await s.accountIds('psu_carol', 'bank-obie');
      const present = { psuIpAddress: '198.51.100.7' };
      // More reads with the PSU present than the unattended budget allows.
      s.obie.resetCallCount();
      for (let i = 0; i < perDay + 2; i++) {
        s.clock.advance(6 * 60_000);
        expect(await s.services.bankData.refresh('transactions', ids, present)).toEqual(new Map());
      }
      expect(s.obie.callCount({ pathPrefix: `${obieBase}/transactions` })).toBe(perDay + 2);
      const presentReads = await s.db.bankRead.count({
        where: { accountId: { in: ids }, psuPresent: true },
      });
      expect(presentReads).toBe((perDay + 2) * ids.length);

      // The next 24 hours still get every unattended slot they have.
      const from = s.clock.now().getTime();
      await walk(syncOf(), day);
      for (const id of ids) {
        const times = (await unattended([id])).map((r) => r.at.getTime());
        const inDay = times.filter((t) => t > from);
        // perDay slot starts fall in any 24 hours; one of them may have been served by the
        // PSU's own read just before (their data was fresh), never fewer than perDay - 1.
        expect(inDay.length).toBeGreaterThanOrEqual(perDay - 1);
        expect(inDay.length).toBeLessThanOrEqual(perDay);
      }
    });
  });
}
