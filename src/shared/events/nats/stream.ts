import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JSONCodec,
  RetentionPolicy,
  StorageType,
  nanos,
  type JetStreamManager,
  type StreamConfig,
} from 'nats';
import { eventTypes, type LedgerEvent } from '../types.ts';

/** Names and limits of one installation's event stream (docs/DECISIONS.md, events over NATS). */
export interface StreamSettings {
  /** Stream `<prefix>-events`, subjects `<prefix>.events.<type>`: one installation's own. */
  prefix: string;
  /** Within this window a second publish of an event id is dropped by the server. */
  duplicateWindowMs: number;
  /** Events older than this leave the stream, acknowledged or not. */
  maxAgeMs: number;
}

export const namePattern = /^[A-Za-z0-9_-]{1,64}$/;

export function streamNameOf(prefix: string): string {
  return `${prefix}-events`;
}

export function subjectOf(prefix: string, event: Pick<LedgerEvent, 'type'>): string {
  return `${prefix}.events.${event.type}`;
}

const codec = JSONCodec<unknown>();

export function encodeEvent(event: LedgerEvent): Uint8Array {
  return codec.encode(event);
}

/** The event in a message, or undefined when it is not one (it can never become one). */
export function decodeEvent(data: Uint8Array): LedgerEvent | undefined {
  let value: unknown;
  try {
    value = codec.decode(data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Partial<LedgerEvent>;
  const ok =
    typeof e.id === 'string' &&
    typeof e.occurredAt === 'string' &&
    typeof e.source === 'string' &&
    typeof e.subject === 'object' &&
    e.subject !== null &&
    eventTypes.includes(e.type as LedgerEvent['type']);
  return ok ? (e as LedgerEvent) : undefined;
}

/**
 * Creates the stream or brings an existing one to these settings. Limits retention: each
 * consumer group keeps its own position, so a second group (an archive, an analytics
 * reader) sees every event too; a work-queue stream would allow only one.
 */
export async function ensureStream(jsm: JetStreamManager, s: StreamSettings): Promise<void> {
  const config: Partial<StreamConfig> & { name: string } = {
    name: streamNameOf(s.prefix),
    subjects: [`${s.prefix}.events.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(s.maxAgeMs),
    duplicate_window: nanos(Math.min(s.duplicateWindowMs, s.maxAgeMs)),
  };
  try {
    const info = await jsm.streams.info(config.name);
    await jsm.streams.update(config.name, { ...info.config, ...config });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.streams.add(config);
  }
}

/** A durable pull consumer per group: the processes of one group share its events. */
export async function ensureConsumer(
  jsm: JetStreamManager,
  prefix: string,
  group: string,
  ackWaitMs: number,
): Promise<void> {
  const stream = streamNameOf(prefix);
  const config = {
    durable_name: group,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(ackWaitMs),
    filter_subject: `${prefix}.events.>`,
  };
  try {
    await jsm.consumers.info(stream, group);
    await jsm.consumers.update(stream, group, { ack_wait: config.ack_wait });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.consumers.add(stream, config);
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { code?: string; api_error?: { err_code?: number } };
  // 10059 stream not found, 10014 consumer not found.
  return e?.api_error?.err_code === 10059 || e?.api_error?.err_code === 10014 || e?.code === '404';
}
