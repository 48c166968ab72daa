import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/shared/config/index.ts';
import { natsTransportOf } from '../../src/shared/events/nats/from-config.ts';
import {
  NatsTransport,
  type NatsTransportOptions,
} from '../../src/shared/events/nats/transport.ts';
import type { EventConsumer, LedgerEvent } from '../../src/shared/events/types.ts';
import { natsUrl, requireNats } from '../support/services.ts';

const available = await requireNats();
// One stream per run, so parallel runs and replicas on the same server never collide.
const prefix = `lgtest-${randomUUID().slice(0, 8)}`;

function event(id = randomUUID()): LedgerEvent {
  return {
    id,
    type: 'TRANSACTIONS_UPDATED',
    occurredAt: new Date().toISOString(),
    source: 'accounts',
    subject: { accountId: 'acc-1', added: 1 },
  };
}

/** Resolves once `done()` says so; fails the test instead of waiting a long timeout out. */
function until(done: () => boolean, ms = 8000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (done()) resolve();
      else if (Date.now() - started > ms) reject(new Error(`not within ${ms} ms`));
      else setTimeout(check, 10);
    };
    check();
  });
}

describe.skipIf(!available)('events over NATS JetStream', () => {
  const open: NatsTransport[] = [];
  let admin: NatsConnection;
  let n = 0;

  async function transport(o: Partial<NatsTransportOptions> = {}): Promise<NatsTransport> {
    const t = await NatsTransport.connect({
      url: natsUrl,
      prefix: `${prefix}-${(n += 1)}`,
      ackWaitMs: 1000,
      retryDelayMs: 50,
      stopGraceMs: 50,
      ...o,
    });
    open.push(t);
    return t;
  }

  beforeAll(async () => {
    admin = await connect({ servers: natsUrl });
  });

  afterAll(async () => {
    for (const t of open) await t.close();
    const jsm = await admin.jetstreamManager();
    for await (const s of jsm.streams.list()) {
      if (s.config.name.startsWith(prefix)) await jsm.streams.delete(s.config.name);
    }
    await admin.close();
  });

  it('stores an event id published twice once, so it is delivered once', async () => {
    const t = await transport();
    const dup = event();
    const sentinel = event();
    await t.publish([dup]);
    await t.publish([dup]);
    await t.publish([sentinel]);
    const seen: string[] = [];
    await t.consume('dedupe', async (e) => void seen.push(e.id));
    // One consumer gets the stream in order: a stored duplicate would come before the sentinel.
    await until(() => seen.includes(sentinel.id));
    expect(seen).toEqual([dup.id, sentinel.id]);
    const jsm = await admin.jetstreamManager();
    const info = await jsm.streams.info(`${prefix}-${n}-events`);
    expect(info.state.messages).toBe(2);
    expect(info.config.duplicate_window).toBeGreaterThan(0);
  });

  it('shares 200 events between the two consumers of a group, every one delivered', async () => {
    const a = await transport({ batch: 5 });
    const b = await transport({ prefix: `${prefix}-${n}`, batch: 5 });
    const byConsumer = { a: [] as string[], b: [] as string[] };
    const counts = new Map<string, number>();
    const take = (who: 'a' | 'b') => async (e: LedgerEvent) => {
      byConsumer[who].push(e.id);
      counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
      await new Promise((r) => setImmediate(r));
    };
    await a.consume('dispatch', take('a'));
    await b.consume('dispatch', take('b'));
    const events = Array.from({ length: 200 }, () => event());
    await a.publish(events);
    await until(() => events.every((e) => counts.has(e.id)));
    const duplicates = [...counts.values()].reduce((sum, c) => sum + c - 1, 0);
    expect(duplicates).toBe(0);
    expect(byConsumer.a.length + byConsumer.b.length).toBe(200);
    expect(byConsumer.a.length).toBeGreaterThan(0);
    expect(byConsumer.b.length).toBeGreaterThan(0);
  });

  it('offers a failed event again and acknowledges it once the handler succeeds', async () => {
    const t = await transport();
    const e = event();
    let attempts = 0;
    await t.consume('retry', async () => {
      attempts += 1;
      if (attempts < 3) throw new Error('webhook endpoint down');
    });
    await t.publish([e]);
    await until(() => attempts === 3);
    const jsm = await admin.jetstreamManager();
    let pending = -1;
    for (let i = 0; i < 200 && pending !== 0; i++) {
      const c = await jsm.consumers.info(`${prefix}-${n}-events`, 'retry');
      pending = c.num_ack_pending + c.num_pending;
      if (pending !== 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(pending).toBe(0);
  });

  it('gives an event held by a consumer that stopped mid-handling to the other one', async () => {
    const dying = await transport();
    const survivor = await transport({ prefix: `${prefix}-${n}` });
    const e = event();
    let held = false;
    // The handler never finishes, as in a process killed during a webhook call.
    const dyingConsumer: EventConsumer = await dying.consume('dispatch', async () => {
      held = true;
      await new Promise(() => undefined);
    });
    await dying.publish([e]);
    await until(() => held);
    await dyingConsumer.stop();
    await dying.close();
    const got: LedgerEvent[] = [];
    await survivor.consume('dispatch', async (x) => void got.push(x));
    // After ack-wait (1 s here) the server offers it again.
    await until(() => got.length === 1);
    expect(got[0]!.id).toBe(e.id);
  });

  it('keeps the stream and the consumer through a reconnect', async () => {
    const t = await transport({ reconnectWaitMs: 50 });
    const seen: string[] = [];
    await t.consume('dispatch', async (e) => void seen.push(e.id));
    const before = event();
    await t.publish([before]);
    await until(() => seen.includes(before.id));
    await t.reconnect();
    const after = event();
    await t.publish([after]);
    await until(() => seen.includes(after.id));
    // An ack in flight during the reconnect may be lost: that event may come once more.
    expect(new Set(seen)).toEqual(new Set([before.id, after.id]));
    const jsm = await admin.jetstreamManager();
    expect((await jsm.streams.info(`${prefix}-${n}-events`)).state.messages).toBe(2);
  });

  it('is what NATS_URL and NATS_PREFIX configure, and nothing without NATS_URL', async () => {
    expect(await natsTransportOf(loadConfig({}), 'test')).toBeUndefined();
    const configured = loadConfig({ NATS_URL: natsUrl, NATS_PREFIX: `${prefix}-config` });
    const t = (await natsTransportOf(configured, 'test'))!;
    open.push(t);
    await t.publish([event()]);
    const jsm = await admin.jetstreamManager();
    const info = await jsm.streams.info(`${prefix}-config-events`);
    expect(info.config.subjects).toEqual([`${prefix}-config.events.>`]);
    expect(info.state.messages).toBe(1);
  });
});
