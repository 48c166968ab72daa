import type { Principal } from '../../../../shared/auth/principal.ts';
import type { Clock } from '../../../../shared/clock.ts';
import { badInput } from '../../../../shared/errors/index.ts';
import type { ConsentDb } from '../../db/client.ts';

export type ClientEventRow = NonNullable<
  Awaited<ReturnType<ConsentDb['clientEvent']['findUnique']>>
>;
export type DeliveryRow = NonNullable<
  Awaited<ReturnType<ConsentDb['webhookDelivery']['findUnique']>>
>;

const maxPage = 500;

/**
 * Replay: a client app reads its own events after a cursor, oldest first, and its
 * deliveries, for the retention period. The cursor is the event's position in the log.
 */
export class EventLogService {
  constructor(
    private readonly db: ConsentDb,
    private readonly clock: Clock,
    private readonly retentionMs: number,
  ) {}

  events(client: Principal, after: string | null | undefined, first = 100) {
    const cursor = after ? Number(after) : 0;
    if (!Number.isSafeInteger(cursor) || cursor < 0) {
      throw badInput('after: not a cursor this API gave', { field: 'after' });
    }
    return this.db.clientEvent.findMany({
      where: { clientAppId: client.clientId, seq: { gt: cursor } },
      orderBy: { seq: 'asc' },
      take: page(first),
    });
  }

  deliveries(client: Principal, options: { eventId?: string | null; first?: number }) {
    return this.db.webhookDelivery.findMany({
      where: {
        clientAppId: client.clientId,
        ...(options.eventId ? { eventId: options.eventId } : {}),
      },
      orderBy: { createdAt: 'desc' },
      take: page(options.first ?? 100),
    });
  }

  /** Drops events (and their deliveries) older than the retention period. */
  async prune(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.retentionMs);
    await this.db.webhookDelivery.deleteMany({ where: { createdAt: { lt: before } } });
    const { count } = await this.db.clientEvent.deleteMany({
      where: { createdAt: { lt: before } },
    });
    return count;
  }
}

function page(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > maxPage) {
    throw badInput(`first: between 1 and ${maxPage}`, { field: 'first' });
  }
  return first;
}
