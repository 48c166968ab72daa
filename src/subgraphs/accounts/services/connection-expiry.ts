import type { Clock } from '../../../shared/clock.ts';
import { connectionExpiryKey, outboxEvents } from '../../../shared/events/subjects.ts';
import { every, type Ticking } from '../../../shared/every.ts';
import type { Logger } from '../../../shared/log/index.ts';
import type { AccountsDb } from '../db/client.ts';
import { ConnectionStatus } from './connection.service.ts';

export interface ConnectionExpiryOptions {
  db: AccountsDb;
  clock: Clock;
  /** Notice is given this many days before a bank consent lapses (0: never). */
  noticeDays: number;
  /** Connections looked at per tick, earliest expiry first. Default 5000. */
  batch?: number;
  log?: Logger;
}

const dayMs = 86_400_000;

/**
 * Tells client apps ahead of time that the bank consent behind their PSU's accounts is about
 * to lapse, so they can send the PSU to reconnect before reads stop (after it lapses,
 * CONNECTION_REAUTHORISATION_REQUIRED follows). One CONSENT_EXPIRING per connection and
 * expiry date; a reconnection is a new connection, and so gets its own notice. The outbox's
 * unique dedupeKey makes a second tick, a restart or a second replica write nothing twice.
 */
export class ConnectionExpiryNotices {
  constructor(private readonly o: ConnectionExpiryOptions) {}

  async tick(): Promise<{ written: number }> {
    if (this.o.noticeDays <= 0) return { written: 0 };
    const batch = this.o.batch ?? 5000;
    const now = this.o.clock.now();
    const horizon = new Date(now.getTime() + this.o.noticeDays * dayMs);
    const expiring = await this.o.db.connection.findMany({
      where: {
        status: ConnectionStatus.Active,
        consentExpiresAt: { not: null, lte: horizon, gt: now },
      },
      orderBy: { consentExpiresAt: 'asc' },
      take: batch,
      select: { id: true, consentExpiresAt: true },
    });
    if (expiring.length === batch) {
      // Earliest first: the latest of a full batch get their notice on a later tick.
      this.o.log?.warn('more bank consents lapse soon than one tick looks at', { batch });
    }
    let written = 0;
    for (const c of expiring) {
      if (await this.notify(c.id, c.consentExpiresAt!)) written++;
    }
    return { written };
  }

  /**
   * True when this call wrote the event; false when it was written before or is moot. The
   * notice changes nothing else, so its one insert is the whole write; no read-then-write
   * transaction, which two processes on one SQLite file would deadlock on.
   */
  private async notify(connectionId: string, expiresAt: Date): Promise<boolean> {
    const dedupeKey = connectionExpiryKey(connectionId, expiresAt);
    if (await this.o.db.outboxEvent.findUnique({ where: { dedupeKey }, select: { id: true } })) {
      return false;
    }
    const row = await this.o.db.connection.findFirst({
      where: { id: connectionId, status: ConnectionStatus.Active, consentExpiresAt: expiresAt },
      select: {
        psuId: true,
        bankId: true,
        accounts: { select: { id: true }, orderBy: { id: 'asc' } },
      },
    });
    if (!row) return false;
    try {
      await this.o.db.outboxEvent.create({
        data: outboxEvents.connectionConsentExpiring(
          {
            connectionId,
            psuId: row.psuId,
            bankId: row.bankId,
            expiresAt,
            accountIds: row.accounts.map((a) => a.id),
          },
          this.o.clock.now(),
        ),
      });
      return true;
    } catch (e) {
      // Another replica's scheduler wrote it between the read and this insert.
      if ((e as { code?: string }).code === 'P2002') return false;
      throw e;
    }
  }

  /** Ticks every `intervalMs` (default hourly) until stopped; never two ticks at once. */
  start(intervalMs = 3_600_000): Ticking {
    return every(
      intervalMs,
      () => this.tick(),
      (error: unknown) => this.o.log?.error('bank consent expiry notices failed', { error }),
    );
  }
}
