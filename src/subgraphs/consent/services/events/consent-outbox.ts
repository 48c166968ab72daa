import type { ConsentExpiryOutbox } from '../../../../shared/events/types.ts';
import { newEvent, outboxRow } from '../../../../shared/events/outbox.ts';
import type { Clock } from '../../../../shared/clock.ts';
import type { ConsentDb } from '../../db/client.ts';
import { ConsentStatus } from '../consent-rules.ts';

/** The CONSENT_STATUS_CHANGED row ConsentService writes inside its status transaction. */
export function statusChangedRow(
  consent: { id: string; clientAppId: string },
  from: string,
  to: string,
  at: Date,
) {
  return outboxRow(
    newEvent(
      'CONSENT_STATUS_CHANGED',
      'consent',
      { consentId: consent.id, clientId: consent.clientAppId, status: to, previousStatus: from },
      at,
    ),
  );
}

/** CONSENT_EXPIRING for the expiry scheduler: one per consent and expiry instant. */
export class ConsentExpiryEvents implements ConsentExpiryOutbox {
  constructor(
    private readonly db: ConsentDb,
    private readonly clock: Clock,
  ) {}

  async expiringBefore(before: Date, limit = 500) {
    const rows = await this.db.consent.findMany({
      where: {
        status: ConsentStatus.Authorised,
        expiresAt: { not: null, lte: before, gt: this.clock.now() },
      },
      orderBy: { expiresAt: 'asc' },
      take: limit,
      select: { id: true, clientAppId: true, expiresAt: true },
    });
    return rows.map((r) => ({ consentId: r.id, clientId: r.clientAppId, expiresAt: r.expiresAt! }));
  }

  async consentExpiring(consentId: string): Promise<boolean> {
    const c = await this.db.consent.findUnique({ where: { id: consentId } });
    if (!c?.expiresAt || c.status !== ConsentStatus.Authorised) return false;
    const dedupeKey = `CONSENT_EXPIRING:${c.id}:${c.expiresAt.toISOString()}`;
    if (await this.db.outboxEvent.findUnique({ where: { dedupeKey } })) return false;
    const event = newEvent(
      'CONSENT_EXPIRING',
      'consent',
      { consentId: c.id, clientId: c.clientAppId, expiresAt: c.expiresAt.toISOString() },
      this.clock.now(),
    );
    try {
      await this.db.outboxEvent.create({ data: outboxRow(event, dedupeKey) });
      return true;
    } catch (e) {
      // Another replica's scheduler wrote it between the read and this insert.
      if ((e as { code?: string }).code === 'P2002') return false;
      throw e;
    }
  }
}
