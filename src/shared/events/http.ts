import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { isAppError } from '../errors/index.ts';
import { readBody, sendJson } from '../http/graphql-handler.ts';
import type { Route } from '../http/server.ts';
import { callInternal, isServiceCall } from '../internal-api/call.ts';
import type { Logger } from '../log/index.ts';
import { eventTypes, type EventConsumer, type EventTransport, type LedgerEvent } from './types.ts';

/**
 * Without a broker, services in other processes hand their outbox batches to the consent
 * service (which routes and delivers events) on this internal route, under a service JWS.
 */
export const eventsRoute = { path: '/internal/events', audience: 'consent:events' } as const;

const maxBatchBytes = 1_000_000;

const ledgerEvent = z.object({
  id: z.string().min(1).max(100),
  type: z.enum(eventTypes),
  occurredAt: z.iso.datetime({ offset: true }),
  source: z.enum(['consent', 'accounts', 'payments']),
  subject: z.record(z.string().max(100), z.union([z.string().max(10_000), z.number()])),
});
const batch = z.object({ events: z.array(ledgerEvent).max(500) });

/** Publishes by POSTing to the consent service; it has nothing to consume from. */
export class HttpEventTransport implements EventTransport {
  constructor(private readonly o: { baseUrl: string; secret: string; timeoutMs?: number }) {}

  async publish(events: readonly LedgerEvent[]): Promise<void> {
    if (events.length === 0) return;
    await callInternal({
      baseUrl: this.o.baseUrl,
      path: eventsRoute.path,
      audience: eventsRoute.audience,
      secret: this.o.secret,
      body: { events },
      service: 'consent',
      timeoutMs: this.o.timeoutMs ?? 10_000,
    });
  }

  consume(): Promise<EventConsumer> {
    return Promise.reject(new Error('Events posted to the consent service are consumed there'));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The consent service's side: a batch is accepted (200) only once `publish` took it, so a
 * failure leaves the sender's outbox rows unpublished and they come again.
 */
export function eventsIngestRoute(transport: EventTransport, secret: string, log?: Logger): Route {
  return async (req, res) => {
    if (!(await isServiceCall(req, eventsRoute.audience, secret))) {
      return sendJson(res, 401, { error: 'unauthorized' });
    }
    const events = await batchOf(req);
    if (!events) return sendJson(res, 400, { error: 'invalid_request' }, { connection: 'close' });
    try {
      await transport.publish(events);
    } catch (error) {
      log?.warn('posted events not accepted; the sender retries', { error });
      return sendJson(res, 503, { error: 'unavailable' });
    }
    sendJson(res, 200, { accepted: events.length }, { 'cache-control': 'no-store' });
  };
}

async function batchOf(req: IncomingMessage): Promise<LedgerEvent[] | undefined> {
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req, maxBatchBytes));
  } catch (e) {
    if (e instanceof SyntaxError || isAppError(e)) return undefined;
    throw e;
  }
  const parsed = batch.safeParse(body);
  return parsed.success ? parsed.data.events : undefined;
}
