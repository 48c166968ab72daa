/**
 * The contract between the services that write events (each into an outbox in its own store,
 * in the same transaction as the change), the transports that carry them (polled in process
 * by default, NATS JetStream when NATS_URL is set) and the dispatcher that delivers them to
 * client apps as Standard Webhooks. Events are thin on purpose: ids, type and time; a client
 * reads the details through the graph under its consent, so field permissions still apply.
 */
export const eventTypes = [
  'TRANSACTIONS_UPDATED',
  'CONSENT_STATUS_CHANGED',
  'CONSENT_EXPIRING',
  'CONNECTION_REAUTHORISATION_REQUIRED',
  'PAYMENT_STATUS_CHANGED',
] as const;
export type EventType = (typeof eventTypes)[number];

export type EventSource = 'consent' | 'accounts' | 'payments';

export interface LedgerEvent {
  /** Stable for the event's life: the webhook-id of every delivery and the JetStream Nats-Msg-Id. */
  id: string;
  type: EventType;
  /** ISO 8601 instant of the change. */
  occurredAt: string;
  source: EventSource;
  /**
   * Who and what it is about, by opaque id only (consentId, clientId, accountId, connectionId,
   * paymentId, paymentConsentId) plus small facts the type needs (counts, the new status).
   */
  subject: Record<string, string | number>;
}

/** Carries events from the outboxes to the dispatcher: at least once, duplicates by id possible. */
export interface EventTransport {
  publish(events: readonly LedgerEvent[]): Promise<void>;
  /**
   * Hands each event to `handler`; several consumers of one `group` share the events (a work
   * queue). An event whose handler throws is offered again later.
   */
  consume(group: string, handler: (event: LedgerEvent) => Promise<void>): Promise<EventConsumer>;
  close(): Promise<void>;
}

export interface EventConsumer {
  stop(): Promise<void>;
}

/**
 * The consent service's outbox as a scheduler outside it writes CONSENT_EXPIRING through:
 * which Authorised consents end before an instant, and the event for one of them, written
 * at most once per consent and expiry (a second call, from any replica, writes nothing).
 */
export interface ConsentExpiryOutbox {
  expiringBefore(
    before: Date,
    limit?: number,
  ): Promise<{ consentId: string; clientId: string; expiresAt: Date }[]>;
  /** True when this call wrote the event; false when it was written before or is moot. */
  consentExpiring(consentId: string): Promise<boolean>;
}
