import type { EventConsumer, EventTransport, LedgerEvent } from './types.ts';

type Handler = (event: LedgerEvent) => Promise<void>;

/**
 * The embedded default's transport: no broker, no queue of its own. `publish` hands each
 * event to one consumer of every group and resolves only once they handled it, so the
 * outbox row stays unpublished (and is relayed again) until a consumer has stored the
 * event. With no consumer yet it refuses, for the same reason.
 */
export class InProcessTransport implements EventTransport {
  private readonly groups = new Map<string, Handler[]>();
  private turn = 0;

  async publish(events: readonly LedgerEvent[]): Promise<void> {
    if (this.groups.size === 0) throw new Error('No event consumer is listening yet');
    for (const event of events) {
      for (const handlers of this.groups.values()) {
        const handler = handlers[this.turn++ % handlers.length]!;
        await handler(event);
      }
    }
  }

  consume(group: string, handler: Handler): Promise<EventConsumer> {
    const handlers = this.groups.get(group) ?? [];
    handlers.push(handler);
    this.groups.set(group, handlers);
    return Promise.resolve({
      stop: () => {
        const left = (this.groups.get(group) ?? []).filter((h) => h !== handler);
        if (left.length) this.groups.set(group, left);
        else this.groups.delete(group);
        return Promise.resolve();
      },
    });
  }

  close(): Promise<void> {
    this.groups.clear();
    return Promise.resolve();
  }
}
