import { randomUUID } from 'node:crypto';
import type { Logger } from '../log/index.ts';
import type { EventSource, EventTransport, EventType, LedgerEvent } from './types.ts';

/** A new event about a change happening now; written with the change, in its transaction. */
export function newEvent(
  type: EventType,
  source: EventSource,
  subject: LedgerEvent['subject'],
  at: Date,
): LedgerEvent {
  return { id: `evt_${randomUUID()}`, type, occurredAt: at.toISOString(), source, subject };
}

/** The OutboxEvent row of an event (the same columns in every service's store). */
export function outboxRow(event: LedgerEvent, dedupeKey?: string) {
  return {
    id: event.id,
    type: event.type,
    occurredAt: new Date(event.occurredAt),
    subject: JSON.stringify(event.subject),
    dedupeKey: dedupeKey ?? null,
  };
}

export interface OutboxRow {
  id: string;
  type: string;
  occurredAt: Date;
  subject: string;
}

/**
 * The part of a store's Prisma OutboxEvent delegate a relay uses. Each store's generated
 * client is its own type; they agree on these calls.
 */
export interface OutboxTable {
  findMany(args: {
    where: { publishedAt: null };
    orderBy: { seq: 'asc' };
    take: number;
  }): Promise<OutboxRow[]>;
  updateMany(args: {
    where: { id: { in: string[] } };
    data: { publishedAt: Date };
  }): Promise<unknown>;
  deleteMany(args: { where: { publishedAt: { lt: Date } } }): Promise<{ count: number }>;
}

export interface RelayOptions {
  source: EventSource;
  outbox: OutboxTable;
  transport: EventTransport;
  /** How often the outbox is read; a write also nudges it when in the same process. */
  pollIntervalMs: number;
  /** Published rows older than this are deleted (the consent service keeps the client log). */
  retentionMs: number;
  now?: () => Date;
  log?: Logger;
  batchSize?: number;
}

/**
 * Moves an outbox's unpublished rows to the transport in write order and marks them
 * published only after the transport accepted them: a crash in between publishes them again
 * (at least once; the consumer drops duplicates by id). Several replicas may relay the same
 * store: duplicates again, never a loss.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private lastPrune = 0;

  constructor(private readonly o: RelayOptions) {}

  start(): this {
    const tick = () => {
      if (this.stopped) return;
      void this.nudge().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.o.pollIntervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
    return this;
  }

  /** Relays now (or once more right after the pass under way); never throws. */
  nudge(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass().catch((error: unknown) =>
          this.o.log?.warn('event relay pass failed; retried on the next poll', {
            source: this.o.source,
            error,
          }),
        );
      } while (this.again && !this.stopped);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Publishes everything pending; returns how many events went out. */
  async pass(): Promise<number> {
    const batch = this.o.batchSize ?? 100;
    let sent = 0;
    for (;;) {
      const rows = await this.o.outbox.findMany({
        where: { publishedAt: null },
        orderBy: { seq: 'asc' },
        take: batch,
      });
      if (rows.length === 0) break;
      await this.o.transport.publish(rows.map((r) => eventOf(r, this.o.source)));
      await this.o.outbox.updateMany({
        where: { id: { in: rows.map((r) => r.id) } },
        data: { publishedAt: this.now() },
      });
      sent += rows.length;
      if (rows.length < batch || this.stopped) break;
    }
    await this.prune();
    return sent;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async prune(): Promise<void> {
    const now = this.now().getTime();
    if (now - this.lastPrune < 3_600_000) return;
    this.lastPrune = now;
    await this.o.outbox.deleteMany({
      where: { publishedAt: { lt: new Date(now - this.o.retentionMs) } },
    });
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }
}

export function eventOf(row: OutboxRow, source: EventSource): LedgerEvent {
  return {
    id: row.id,
    type: row.type as EventType,
    occurredAt: row.occurredAt.toISOString(),
    source,
    subject: JSON.parse(row.subject) as LedgerEvent['subject'],
  };
}
