import type { Clock } from '../../../../shared/clock.ts';
import { webhookSignature } from '../../../../shared/events/signature.ts';
import { postWebhook, type WebhookAnswer } from '../../../../shared/events/webhook-post.ts';
import type { Logger } from '../../../../shared/log/index.ts';
import type { ConsentDb } from '../../db/client.ts';
import { SealedValueError } from '../../../../shared/crypto/secret-box.ts';
import type { WebhookSecrets } from './webhook-secrets.ts';

export interface DispatcherOptions {
  db: ConsentDb;
  clock: Clock;
  /** Opens the endpoints' sealed signing secrets. */
  secrets: WebhookSecrets;
  pollIntervalMs: number;
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxDelayMs: number;
  /** Retried this long after the first attempt, then given up and the endpoint disabled. */
  retryWindowMs: number;
  /** Loopback and private receivers allowed (development only). */
  sandboxMode: boolean;
  /** How long a claimed delivery is this dispatcher's; default: the timeout plus 5 s. */
  leaseMs?: number;
  /** Attempts in flight at once. */
  concurrency?: number;
  random?: () => number;
  log?: Logger;
}

type Delivery = NonNullable<Awaited<ReturnType<ConsentDb['webhookDelivery']['findUnique']>>>;

/**
 * Delivers client events to webhook endpoints, at least once: a delivery is claimed with a
 * lease (compare-and-set, so replicas never send the same attempt twice at once), sent, and
 * its outcome recorded. A dispatcher that dies mid-attempt records nothing; the lease runs
 * out and any dispatcher sends it again, with the same webhook-id. Failures back off
 * exponentially with jitter until the retry window ends.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  /** Deliveries this dispatcher is sending: never claimed again by it, even past the lease. */
  private readonly sending = new Set<string>();

  constructor(private readonly o: DispatcherOptions) {}

  start(): this {
    const tick = () => {
      if (this.abort.signal.aborted) return;
      void this.nudge().finally(() => {
        if (!this.abort.signal.aborted) this.timer = setTimeout(tick, this.o.pollIntervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
    return this;
  }

  /** Looks for due deliveries now (an event was just stored); never throws. */
  nudge(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass().catch((error: unknown) =>
          this.o.log?.warn('webhook dispatch pass failed', { error }),
        );
      } while (this.again && !this.abort.signal.aborted);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Stops at once, like a killed process: attempts in flight are abandoned unrecorded and
   * their leases left to run out.
   */
  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    await Promise.allSettled([this.running, ...this.inFlight]);
  }

  /** Claims and sends what is due; resolves when those attempts are recorded. */
  async pass(): Promise<void> {
    const limit = this.o.concurrency ?? 8;
    for (;;) {
      if (this.abort.signal.aborted) return;
      const free = limit - this.inFlight.size;
      if (free <= 0) {
        await Promise.race(this.inFlight);
        continue;
      }
      const now = this.o.clock.now();
      const due = await this.o.db.webhookDelivery.findMany({
        where: {
          status: 'Pending',
          nextAttemptAt: { lte: now },
          OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }],
        },
        orderBy: { nextAttemptAt: 'asc' },
        take: free,
      });
      if (due.length === 0) break;
      let claimed = 0;
      for (const d of due) {
        if (this.sending.has(d.id) || !(await this.claim(d, now))) continue;
        claimed++;
        this.sending.add(d.id);
        const attempt = this.attempt(d)
          .catch((error: unknown) =>
            this.o.log?.warn('webhook attempt failed to record', { deliveryId: d.id, error }),
          )
          .finally(() => {
            this.inFlight.delete(attempt);
            this.sending.delete(d.id);
          });
        this.inFlight.add(attempt);
      }
      if (claimed === 0) break;
    }
    await Promise.allSettled([...this.inFlight]);
  }

  private async claim(d: Delivery, now: Date): Promise<boolean> {
    const { count } = await this.o.db.webhookDelivery.updateMany({
      where: { id: d.id, status: 'Pending', leaseUntil: d.leaseUntil },
      data: { leaseUntil: new Date(now.getTime() + (this.o.leaseMs ?? this.o.timeoutMs + 5_000)) },
    });
    return count === 1;
  }

  private async attempt(d: Delivery): Promise<void> {
    const { db, clock } = this.o;
    const [endpoint, event] = await Promise.all([
      db.webhookEndpoint.findUnique({ where: { id: d.endpointId } }),
      db.clientEvent.findUnique({ where: { id: d.eventId } }),
    ]);
    if (!endpoint || endpoint.status !== 'Enabled' || !event) {
      await this.record(d, 'Failed', { error: 'the endpoint is disabled' }, false);
      return;
    }
    const body = JSON.stringify({
      id: event.id,
      type: event.type,
      timestamp: event.occurredAt.toISOString(),
      data: JSON.parse(event.data) as unknown,
    });
    const now = clock.now();
    const timestamp = Math.floor(now.getTime() / 1000);
    let secrets: string[];
    try {
      secrets = this.o.secrets.open(
        endpoint,
        !!endpoint.previousSecretUntil && endpoint.previousSecretUntil > now,
      );
    } catch (e) {
      if (!(e instanceof SealedValueError)) throw e;
      // Nothing can sign for it: retrying would not help, a new registration does.
      const reason = 'The signing secret is sealed under a key this installation no longer has';
      await this.record(d, 'Failed', { error: reason }, false);
      await this.disable(endpoint.id, `${reason}; register the endpoint again`);
      return;
    }
    const answer = await postWebhook({
      url: endpoint.url,
      body,
      timeoutMs: this.o.timeoutMs,
      allowPrivate: this.o.sandboxMode,
      signal: this.abort.signal,
      headers: {
        'webhook-id': event.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': webhookSignature(secrets, event.id, timestamp, body),
      },
    });
    // Killed mid-attempt: the outcome is not known to have reached anyone; send it again.
    if (this.abort.signal.aborted) return;
    const ok = answer.status !== undefined && answer.status >= 200 && answer.status < 300;
    if (ok) return this.record(d, 'Succeeded', answer);
    const givingUp = clock.now().getTime() - d.createdAt.getTime() >= this.o.retryWindowMs;
    await this.record(d, givingUp ? 'Failed' : 'Pending', answer);
    if (givingUp) {
      const reason = `Deliveries failed for longer than the retry window; last: ${
        answer.status !== undefined ? `HTTP ${answer.status}` : (answer.error ?? 'no answer')
      }`;
      await this.disable(endpoint.id, reason);
    }
  }

  private async disable(endpointId: string, reason: string): Promise<void> {
    await this.o.db.webhookEndpoint.updateMany({
      where: { id: endpointId, status: 'Enabled' },
      data: { status: 'Disabled', disabledReason: reason, updatedAt: this.o.clock.now() },
    });
    this.o.log?.warn('webhook endpoint disabled', { endpointId, reason });
  }

  private async record(
    d: Delivery,
    status: 'Pending' | 'Succeeded' | 'Failed',
    answer: WebhookAnswer,
    /** False when nothing was sent (the endpoint was disabled meanwhile). */
    sent = true,
  ): Promise<void> {
    const now = this.o.clock.now();
    const attempts = d.attempts + (sent ? 1 : 0);
    await this.o.db.webhookDelivery.update({
      where: { id: d.id },
      data: {
        status,
        attempts,
        leaseUntil: null,
        lastAttemptAt: now,
        lastStatusCode: answer.status ?? null,
        lastError:
          answer.error ??
          (status === 'Succeeded' || answer.status === undefined ? null : `HTTP ${answer.status}`),
        responseExcerpt: answer.excerpt ?? null,
        nextAttemptAt:
          status === 'Pending' ? new Date(now.getTime() + this.backoff(attempts)) : d.nextAttemptAt,
        updatedAt: now,
      },
    });
  }

  /** base × 2^(n-1), capped, half of it jittered so receivers coming back are not stampeded. */
  private backoff(attempts: number): number {
    const full = Math.min(
      this.o.retryMaxDelayMs,
      this.o.retryBaseMs * 2 ** Math.min(30, attempts - 1),
    );
    return Math.round(full / 2 + (this.o.random ?? Math.random)() * (full / 2));
  }
}
