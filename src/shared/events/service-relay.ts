import type { Clock } from '../clock.ts';
import type { Config } from '../config/index.ts';
import { serviceBaseUrl } from '../internal-api/call.ts';
import type { Logger } from '../log/index.ts';
import { HttpEventTransport } from './http.ts';
import { OutboxRelay, type OutboxTable } from './outbox.ts';
import type { EventSource, EventTransport } from './types.ts';

/**
 * A service's outbox relay, started: to the transport it was given (NATS, or the embedded
 * default's shared in-process one), else by POSTing to the consent service (CONSENT_URL),
 * which routes and delivers every service's events.
 */
export function startServiceRelay(
  config: Config,
  source: Exclude<EventSource, 'consent'>,
  /** The store's OutboxEvent delegate (its generated type is wider than a relay's calls). */
  outbox: unknown,
  o: { transport?: EventTransport; internalSecret: string; clock: Clock; log?: Logger },
): OutboxRelay {
  const transport =
    o.transport ??
    new HttpEventTransport({
      baseUrl: serviceBaseUrl(config.subgraphUrls.consent),
      secret: o.internalSecret,
    });
  return new OutboxRelay({
    source,
    outbox: outbox as OutboxTable,
    transport,
    pollIntervalMs: config.events.pollIntervalMs,
    retentionMs: config.events.retentionDays * 86_400_000,
    now: () => o.clock.now(),
    log: o.log,
  }).start();
}
