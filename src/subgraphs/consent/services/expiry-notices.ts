import type { Clock } from '../../../shared/clock.ts';
import { every, type Ticking } from '../../../shared/every.ts';
import type { Logger } from '../../../shared/log/index.ts';

/**
 * The consent outbox as this scheduler uses it (src/shared/events/types.ts has the full
 * contract): which Authorised consents end before an instant, earliest first, and writing
 * CONSENT_EXPIRING for one of them at most once per consent and expiry instant.
 */
export interface ExpiryOutbox {
  expiringBefore(
    before: Date,
    limit?: number,
  ): Promise<{ consentId: string; clientId: string; expiresAt: Date }[]>;
  consentExpiring(consentId: string): Promise<boolean>;
}

export interface ExpiryNoticeOptions {
  outbox: ExpiryOutbox;
  clock: Clock;
  /** Notice is given this many days before a consent lapses (0: never). */
  noticeDays: number;
  /** Consents looked at per tick, earliest expiry first. Default 5000. */
  batch?: number;
  log?: Logger;
}

const dayMs = 86_400_000;

/**
 * Tells client apps ahead of time that a consent is about to lapse, so they can send the PSU
 * to renew it: one CONSENT_EXPIRING per consent and expiry date. A renewed consent (a new
 * expiry) is announced again when its new date comes near. The outbox's unique key makes a
 * second tick, a restart or a second replica write nothing twice, so ticks may overlap.
 */
export class ExpiryNotices {
  constructor(private readonly o: ExpiryNoticeOptions) {}

  async tick(): Promise<{ written: number }> {
    if (this.o.noticeDays <= 0) return { written: 0 };
    const batch = this.o.batch ?? 5000;
    const horizon = new Date(this.o.clock.now().getTime() + this.o.noticeDays * dayMs);
    const expiring = await this.o.outbox.expiringBefore(horizon, batch);
    if (expiring.length === batch) {
      // Earliest first: the latest of a full batch get their notice on a later tick.
      this.o.log?.warn('more consents lapse soon than one tick looks at', { batch });
    }
    let written = 0;
    for (const c of expiring) {
      if (await this.o.outbox.consentExpiring(c.consentId)) written++;
    }
    return { written };
  }

  /** Ticks every `intervalMs` (default hourly) until stopped; never two ticks at once. */
  start(intervalMs = 3_600_000): Ticking {
    return every(
      intervalMs,
      () => this.tick(),
      (error: unknown) => this.o.log?.error('consent expiry notices failed', { error }),
    );
  }
}
