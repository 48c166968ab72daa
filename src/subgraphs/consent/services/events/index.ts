import type { Clock } from '../../../../shared/clock.ts';
import type { EventsConfig } from '../../../../shared/config/index.ts';
import { eventsIngestRoute } from '../../../../shared/events/http.ts';
import { OutboxRelay, type OutboxTable } from '../../../../shared/events/outbox.ts';
import type { EventConsumer, EventTransport } from '../../../../shared/events/types.ts';
import type { Route } from '../../../../shared/http/server.ts';
import type { Logger } from '../../../../shared/log/index.ts';
import type { ConsentDb } from '../../db/client.ts';
import { ConsentExpiryEvents } from './consent-outbox.ts';
import { WebhookDispatcher } from './dispatcher.ts';
import { EventLogService } from './event-log.service.ts';
import { EventRouter } from './router.ts';
import { WebhookEndpointService } from './webhook-endpoints.service.ts';
import { WebhookSecrets } from './webhook-secrets.ts';
import type { SecretBox } from '../../../../shared/crypto/secret-box.ts';

export interface ConsentEventsOptions {
  db: ConsentDb;
  clock: Clock;
  config: EventsConfig;
  /** Where every service's events arrive: in process by default, NATS when configured. */
  transport: EventTransport;
  internalSecret: string;
  /** Consent's own key: seals the endpoints' signing secrets. */
  box: SecretBox;
  log?: Logger;
}

/** The consumer group that routes events to client apps (one per installation). */
export const routingGroup = 'client-events';

/**
 * The consent service's event side: its own outbox's relay, the consumer that routes every
 * service's events to client apps, the webhook dispatcher, replay and endpoint management.
 * Building it starts nothing; `start()` does.
 */
export function createConsentEvents(o: ConsentEventsOptions) {
  const retentionMs = o.config.retentionDays * 86_400_000;
  const router = new EventRouter(o.db, o.clock);
  const secrets = new WebhookSecrets(o.box);
  const dispatcher = new WebhookDispatcher({
    db: o.db,
    clock: o.clock,
    secrets,
    pollIntervalMs: o.config.pollIntervalMs,
    ...o.config.webhooks,
    log: o.log?.child({ component: 'webhooks' }),
  });
  const relay = new OutboxRelay({
    source: 'consent',
    // The generated delegate's overloads are wider than the calls a relay makes.
    outbox: o.db.outboxEvent as unknown as OutboxTable,
    transport: o.transport,
    pollIntervalMs: o.config.pollIntervalMs,
    retentionMs,
    now: () => o.clock.now(),
    log: o.log,
  });
  const log = new EventLogService(o.db, o.clock, retentionMs);
  let consumer: EventConsumer | undefined;
  let pruning: NodeJS.Timeout | undefined;
  return {
    router,
    dispatcher,
    relay,
    log,
    endpoints: new WebhookEndpointService(o.db, o.clock, {
      secrets,
      sandboxMode: o.config.webhooks.sandboxMode,
    }),
    expiry: new ConsentExpiryEvents(o.db, o.clock),
    routes: {
      'POST /internal/events': eventsIngestRoute(o.transport, o.internalSecret, o.log),
    } as Record<string, Route>,
    async start() {
      // Before any delivery: secrets an earlier version stored in the clear, or a rotated-out
      // key sealed, are sealed under the current key.
      const sealed = await secrets.sealAtRest(o.db);
      if (sealed > 0) o.log?.info('webhook secrets sealed at rest', { endpoints: sealed });
      consumer = await o.transport.consume(routingGroup, async (event) => {
        if ((await router.ingest(event)) > 0) void dispatcher.nudge();
      });
      relay.start();
      dispatcher.start();
      pruning = setInterval(() => void log.prune().catch(() => undefined), 3_600_000);
      pruning.unref();
    },
    async stop() {
      clearInterval(pruning);
      await relay.stop();
      await consumer?.stop();
      await dispatcher.stop();
    },
  };
}
export type ConsentEvents = ReturnType<typeof createConsentEvents>;
