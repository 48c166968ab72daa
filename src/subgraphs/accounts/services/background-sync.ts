import { createHash } from 'node:crypto';
import type { Clock } from '../../../shared/clock.ts';
import { every, type Ticking } from '../../../shared/every.ts';
import type { Logger } from '../../../shared/log/index.ts';
import type { AccountsDb } from '../db/client.ts';
import type { BankDataService } from './bank-data.service.ts';
import { ConnectionStatus } from './connection.service.ts';

export interface BackgroundSyncOptions {
  db: AccountsDb;
  bankData: BankDataService;
  clock: Clock;
  /**
   * Syncs per account per day, spread evenly (0: off). Each is one unattended read, so it
   * should not exceed the PSD2 budget; the budget itself is enforced by BankDataService.
   */
  perDay: number;
  log?: Logger;
}

export interface TickOutcome {
  /** Accounts whose slot had come and whose data was older than it. */
  due: number;
  /** Of those, the accounts the bank could not be read for (logged, retried next slot). */
  failed: number;
}

const dayMs = 86_400_000;

/** Where in each slot period this key's slots start: stable, spread evenly over keys. */
export function slotOffsetMs(key: string, periodMs: number): number {
  const n = createHash('sha256').update(key).digest().readUInt32BE(0);
  return Math.floor((n / 2 ** 32) * periodMs);
}

/** The start of the latest slot at or before `now` for this key. */
export function slotStart(key: string, now: Date, perDay: number): Date {
  const period = dayMs / perDay;
  const offset = slotOffsetMs(key, period);
  return new Date(Math.floor((now.getTime() - offset) / period) * period + offset);
}

/**
 * Refreshes the transactions of connected accounts while nobody asks, within the PSD2
 * limit on unattended access: `perDay` slots a day per connection, offset by a hash of the
 * connection's id so a fleet's reads spread over the day instead of stampeding at midnight.
 * A connection's accounts share their slots so one bank call (OBIE's bulk endpoint) serves
 * them all. A slot is served once: an account synced since it started (by anyone, PSU
 * present or not) or already tried in it unattended is left alone. The count of unattended
 * reads lives in the store (BankRead), so a restart neither resets it nor repeats a slot.
 * Balances are not read here: each kind of read counts against the same budget, and
 * TRANSACTIONS_UPDATED (written by the sync itself) is what clients wait for.
 */
export class BackgroundSync {
  constructor(private readonly o: BackgroundSyncOptions) {}

  async tick(): Promise<TickOutcome> {
    if (this.o.perDay <= 0) return { due: 0, failed: 0 };
    const now = this.o.clock.now();
    const accounts = await this.o.db.account.findMany({
      where: { connection: { status: ConnectionStatus.Active } },
      select: { id: true, connectionId: true, transactionsSyncedAt: true },
    });
    const slots = new Map<string, Date>();
    const stale = accounts.filter((a) => {
      const start = slotStart(a.connectionId, now, this.o.perDay);
      slots.set(a.id, start);
      return !a.transactionsSyncedAt || a.transactionsSyncedAt < start;
    });
    if (stale.length === 0) return { due: 0, failed: 0 };
    // A slot whose unattended read failed waits for the next one: retrying within it would
    // spend the day's budget on a bank that is down.
    const tried = await this.o.db.bankRead.findMany({
      where: {
        accountId: { in: stale.map((a) => a.id) },
        kind: 'transactions',
        psuPresent: false,
        at: { gte: new Date(now.getTime() - dayMs / this.o.perDay) },
      },
      select: { accountId: true, at: true },
    });
    const triedIn = new Set(
      tried.filter((r) => r.at >= slots.get(r.accountId)!).map((r) => r.accountId),
    );
    const due = stale.filter((a) => !triedIn.has(a.id)).map((a) => a.id);
    if (due.length === 0) return { due: 0, failed: 0 };
    const errors = await this.o.bankData.refresh('transactions', due);
    for (const [accountId, error] of errors) {
      this.o.log?.warn('background sync failed', {
        accountId,
        reason: (error as { details?: { reason?: string } }).details?.reason ?? error.name,
        message: error.message,
      });
    }
    return { due: due.length, failed: errors.size };
  }

  /**
   * Ticks every `intervalMs` until stopped; a tick still running when the next is due is
   * not doubled. Five minutes is fine-grained enough for slots hours apart.
   */
  start(intervalMs = 300_000): Ticking {
    return every(
      intervalMs,
      () => this.tick(),
      (error: unknown) => this.o.log?.error('background sync tick failed', { error }),
    );
  }
}
