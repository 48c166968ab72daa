import { connect, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import type { Logger } from '../../log/index.ts';
import type { EventConsumer, EventTransport, LedgerEvent } from '../types.ts';
import {
  decodeEvent,
  encodeEvent,
  ensureConsumer,
  ensureStream,
  namePattern,
  streamNameOf,
  subjectOf,
} from './stream.ts';

export interface NatsTransportOptions {
  /** nats://host:port (several comma-separated for a cluster). */
  url: string;
  /** Stream `<prefix>-events`, subjects `<prefix>.events.<type>`. Default `ledgergraph`. */
  prefix?: string;
  /** A second publish of an event id within this window is dropped. Default 2 minutes. */
  duplicateWindowMs?: number;
  /** How long events stay in the stream. Default 7 days. */
  maxAgeMs?: number;
  /** A delivery not acknowledged this long after it was handed out goes to another consumer. Default 30 s. */
  ackWaitMs?: number;
  /** A failed event is offered again after this, doubling with each failure up to 32×. Default 5 s. */
  retryDelayMs?: number;
  /** Events a consumer holds at once; the rest of its group's share stays with the others. Default 10. */
  batch?: number;
  /** How long stop() waits for a running handler before leaving its event unacknowledged. Default 10 s. */
  stopGraceMs?: number;
  /** Pause between reconnect attempts to the same server. Default 1 s. */
  reconnectWaitMs?: number;
  /** Connection name shown by the server (`nats server report connections`). */
  name?: string;
  log?: Logger;
}

/**
 * Carries events over NATS JetStream: every publish is acknowledged by the stream before it
 * returns, the event id is the Nats-Msg-Id (the server drops a repeat within its duplicate
 * window), and each consumer group is one durable pull consumer that the group's processes
 * share. Acknowledged after the handler succeeds; a failure is offered again after a delay;
 * an event held by a process that dies is offered again after ack-wait.
 */
export class NatsTransport implements EventTransport {
  private readonly prefix: string;
  private readonly stream: string;
  private ready: Promise<void> | undefined;
  private readonly consumers = new Set<NatsConsumer>();
  private closed = false;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly o: NatsTransportOptions,
  ) {
    this.prefix = o.prefix ?? 'ledgergraph';
    this.stream = streamNameOf(this.prefix);
  }

  static async connect(o: NatsTransportOptions): Promise<NatsTransport> {
    const prefix = o.prefix ?? 'ledgergraph';
    if (!namePattern.test(prefix)) {
      throw new Error('NATS prefix: letters, digits, "_" or "-" (at most 64)');
    }
    const nc = await connect({
      servers: o.url.split(',').map((s) => s.trim()),
      name: o.name ?? 'ledgergraph',
      // A broker restart or a network blip must not lose the service its events.
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: o.reconnectWaitMs ?? 1000,
    });
    const transport = new NatsTransport(nc, o);
    transport.watch();
    return transport;
  }

  async publish(events: readonly LedgerEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.setup();
    const js = this.nc.jetstream();
    // Each publish waits for the stream's acknowledgement: only then may an outbox mark it sent.
    await Promise.all(
      events.map((event) =>
        js.publish(subjectOf(this.prefix, event), encodeEvent(event), { msgID: event.id }),
      ),
    );
  }

  async consume(
    group: string,
    handler: (event: LedgerEvent) => Promise<void>,
  ): Promise<EventConsumer> {
    if (!namePattern.test(group)) {
      throw new Error('consumer group: letters, digits, "_" or "-" (at most 64)');
    }
    await this.setup();
    await ensureConsumer(await this.nc.jetstreamManager(), this.prefix, group, this.ackWaitMs());
    const consumer = await this.nc.jetstream().consumers.get(this.stream, group);
    const messages = await consumer.consume({ max_messages: this.o.batch ?? 10 });
    const running = new NatsConsumer(messages, handler, {
      retryDelayMs: this.o.retryDelayMs ?? 5000,
      stopGraceMs: this.o.stopGraceMs ?? 10_000,
      log: this.o.log?.child({ group }),
      onStop: () => this.consumers.delete(running),
    });
    this.consumers.add(running);
    return running;
  }

  /** Stops the consumers (each finishes its running handler), then drains the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.consumers].map((c) => c.stop()));
    await this.nc.drain().catch(() => undefined);
  }

  /** Forces a reconnect, as a broker restart would; resolves once connected again. */
  async reconnect(): Promise<void> {
    const reconnected = (async () => {
      for await (const s of this.nc.status()) if (s.type === 'reconnect') return;
    })();
    await this.nc.reconnect();
    await reconnected;
  }

  private setup(): Promise<void> {
    this.ready ??= (async () =>
      ensureStream(await this.nc.jetstreamManager(), {
        prefix: this.prefix,
        duplicateWindowMs: this.o.duplicateWindowMs ?? 120_000,
        maxAgeMs: this.o.maxAgeMs ?? 7 * 86_400_000,
      }))().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private ackWaitMs(): number {
    return this.o.ackWaitMs ?? 30_000;
  }

  private watch(): void {
    const log = this.o.log;
    if (!log) return;
    void (async () => {
      for await (const s of this.nc.status()) {
        if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error') {
          log.warn('nats connection', { status: s.type, server: String(s.data) });
        }
      }
    })();
  }
}

interface ConsumerOptions {
  retryDelayMs: number;
  stopGraceMs: number;
  log: Logger | undefined;
  onStop: () => void;
}

class NatsConsumer implements EventConsumer {
  private readonly loop: Promise<void>;
  private current: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly messages: ConsumerMessages,
    private readonly handler: (event: LedgerEvent) => Promise<void>,
    private readonly o: ConsumerOptions,
  ) {
    this.loop = this.run().catch((error: unknown) => {
      this.o.log?.error('nats consumer ended', { error });
    });
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.messages.stop();
      const current = this.current;
      if (current) {
        // A handler that hangs past the grace keeps its event unacknowledged: the server
        // offers it to another process of the group after ack-wait.
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((r) => (timer = setTimeout(r, this.o.stopGraceMs)));
        await Promise.race([current, grace]);
        clearTimeout(timer);
      }
      this.o.onStop();
      if (!current) await this.loop;
    })();
    return this.stopping;
  }

  private async run(): Promise<void> {
    for await (const m of this.messages) {
      if (this.stopping) break;
      this.current = this.handle(m);
      await this.current;
      this.current = undefined;
    }
  }

  private async handle(m: JsMsg): Promise<void> {
    const event = decodeEvent(m.data);
    if (!event) {
      // Not an event and never will be: retrying would only loop.
      this.o.log?.error('nats message is not an event', { seq: m.seq, subject: m.subject });
      m.term('not a LedgerEvent');
      return;
    }
    try {
      await this.handler(event);
    } catch (error) {
      const delay = this.o.retryDelayMs * 2 ** Math.min(m.info.redeliveryCount - 1, 5);
      this.o.log?.warn('event handler failed; offered again later', {
        eventId: event.id,
        type: event.type,
        deliveries: m.info.redeliveryCount,
        retryInMs: delay,
        error,
      });
      m.nak(delay);
      return;
    }
    // Not awaited: waiting for the server's confirmation would stall the consumer through a
    // reconnect while its other held events pass ack-wait. A lost ack means one more
    // delivery after ack-wait; handlers are idempotent by event id.
    m.ack();
  }
}
