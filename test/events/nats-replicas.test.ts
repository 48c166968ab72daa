/**
 * Two consent service processes (`serve consent`, as production runs them) bound to the same
 * JetStream consumer group and the same PostgreSQL store: they share the routing and the
 * deliveries without sending any event twice, and one killed with SIGKILL in the middle of
 * a delivery loses nothing once it is started again.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/shared/clock.ts';
import { SecretBox } from '../../src/shared/crypto/secret-box.ts';
import { NatsTransport } from '../../src/shared/events/nats/transport.ts';
import { newEvent } from '../../src/shared/events/outbox.ts';
import { newWebhookSecret } from '../../src/shared/events/signature.ts';
import {
  migrateConsentDb,
  openConsentDb,
  type ConsentDb,
} from '../../src/subgraphs/consent/db/client.ts';
import { routingGroup } from '../../src/subgraphs/consent/services/events/index.ts';
import { WebhookEndpointService } from '../../src/subgraphs/consent/services/events/webhook-endpoints.service.ts';
import { WebhookSecrets } from '../../src/subgraphs/consent/services/events/webhook-secrets.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { freePort, startServiceProcess, type ServiceProcess } from '../support/processes.ts';
import { natsUrl, requireNats, requirePostgres } from '../support/services.ts';
import { eventually, startReceiver, type Receiver } from './support/receiver.ts';
import { demoClient } from './support/fixtures.ts';

const available = (await requireNats()) && (await requirePostgres());
const prefix = `lgtest-rep-${randomUUID().slice(0, 8)}`;
const client = demoClient;

describe.skipIf(!available)('consent replicas sharing events over NATS', () => {
  const key = randomBytes(32).toString('base64');
  let env: Record<string, string>;
  let dataDir: string;
  let store: { url: string; drop: () => Promise<void> };
  let db: ConsentDb;
  let receiver: Receiver;
  let payments: NatsTransport;
  const replicas: ServiceProcess[] = [];
  const legacy = { id: 'whe_legacy', sealedSecret: newWebhookSecret() };

  const start = async () =>
    startServiceProcess('consent', { ...env, CONSENT_PORT: String(await freePort()) });

  /** Events as the payments service would publish them, each for demo-pfm. */
  const publish = async (n: number) => {
    const events = Array.from({ length: n }, (_, i) =>
      newEvent(
        'PAYMENT_STATUS_CHANGED',
        'payments',
        { paymentId: `pay_${randomUUID()}`, clientId: 'demo-pfm', status: `S${i}` },
        new Date(),
      ),
    );
    await payments.publish(events);
    return events;
  };

  async function endpointAt(path: string) {
    await db.webhookEndpoint.updateMany({ data: { status: 'Disabled' } });
    return new WebhookEndpointService(db, systemClock, {
      secrets: new WebhookSecrets(SecretBox.fromBase64(key)),
      sandboxMode: true,
    }).create(client, { url: `${receiver.url}${path}`, eventTypes: ['PAYMENT_STATUS_CHANGED'] });
  }

  /** The routing group's durable consumer, as the server sees it. */
  async function groupInfo() {
    const nc = await connect({ servers: natsUrl });
    try {
      return await (await nc.jetstreamManager()).consumers.info(`${prefix}-events`, routingGroup);
    } finally {
      await nc.close();
    }
  }

  const deliveriesTo = (endpointId: string) =>
    db.webhookDelivery.findMany({ where: { endpointId } });

  beforeAll(async () => {
    store = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'lg-replicas-'));
    env = {
      DATA_DIR: dataDir,
      CONSENT_DATABASE_URL: store.url,
      CONSENT_ENCRYPTION_KEY: key,
      INTERNAL_CONTEXT_SECRET: 'replicas-test-internal-context-secret-0123456789',
      TOKEN_ISSUER: 'http://ledgergraph.test',
      NATS_URL: natsUrl,
      NATS_PREFIX: prefix,
      EVENT_POLL_INTERVAL_MS: '50',
      // The lease a killed dispatcher leaves behind is this plus 5 s.
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_RETRY_MAX_DELAY_MS: '200',
      WEBHOOK_SANDBOX_MODE: 'true',
    };
    receiver = await startReceiver();
    // An endpoint as migration 0004 leaves an earlier version's: its secret in the clear.
    await migrateConsentDb(store.url);
    db = openConsentDb(store.url);
    const now = new Date();
    await db.webhookEndpoint.create({
      data: {
        ...legacy,
        clientAppId: 'demo-pfm',
        url: 'https://example.com/legacy',
        eventTypes: 'CONSENT_STATUS_CHANGED',
        status: 'Disabled',
        createdAt: now,
        updatedAt: now,
      },
    });
    // The first seeds; the second starts beside it on the same store.
    replicas.push(await start());
    replicas.push(await start());
    payments = await NatsTransport.connect({ url: natsUrl, prefix });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await payments?.close();
    await db?.$disconnect();
    await receiver?.close();
    const nc = await connect({ servers: natsUrl });
    const jsm = await nc.jetstreamManager();
    for await (const s of jsm.streams.list()) {
      if (s.config.name.startsWith(prefix)) await jsm.streams.delete(s.config.name);
    }
    await nc.close();
    await store?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a replica seals at start what an earlier version stored in the clear', async () => {
    const row = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: legacy.id } });
    expect(row.sealedSecret).not.toContain(legacy.sealedSecret.replace(/^whsec_/, ''));
    const secrets = new WebhookSecrets(SecretBox.fromBase64(key));
    expect(secrets.open(row, false)).toEqual([legacy.sealedSecret]);
  });

  it('two replicas share 100 events: each delivered once, both delivering at once', async () => {
    const { endpoint, secret } = await endpointAt('/shared');
    let inFlight = 0;
    let mostInFlight = 0;
    // Slow enough that one dispatcher's 8 attempts at a time cannot carry the load alone.
    receiver.answer('/shared', (_r, res) => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(204).end();
      }, 150);
    });
    const events = await publish(100);
    const rows = await eventually(
      () => deliveriesTo(endpoint.id),
      (rows) => rows.length === 100 && rows.every((r) => r.status === 'Succeeded'),
      20_000,
    );
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    const got = receiver.at('/shared');
    const ids = got.map((r) => r.headers['webhook-id']);
    const duplicates = ids.length - new Set(ids).size;
    expect(duplicates).toBe(0);
    expect(got).toHaveLength(100);
    const paymentIds = got.map(
      (r) =>
        (
          new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as {
            data: { paymentId: string };
          }
        ).data.paymentId,
    );
    expect(new Set(paymentIds)).toEqual(new Set(events.map((e) => e.subject.paymentId)));
    // One dispatcher sends at most 8 at once: more means both replicas were sending.
    expect(mostInFlight).toBeGreaterThan(8);
  }, 30_000);

  it('a replica killed mid-delivery loses nothing: started again, it sends the same event', async () => {
    await replicas.pop()!.stop();
    const { endpoint, secret } = await endpointAt('/killed');
    let first = true;
    receiver.answer('/killed', (_r, res) => {
      if (first)
        first = false; // never answered: the replica is killed while it waits
      else res.writeHead(200).end('ok');
    });
    const [held] = await publish(1);
    await receiver.waitFor(() => receiver.at('/killed').length === 1);
    await replicas.pop()!.kill();
    // Once the server has dropped the dead replica's pull requests (else what it publishes
    // now is handed to the dead one and comes back only after the 30 s ack wait, which
    // test/events/nats.test.ts proves), what is published while none runs waits in the stream.
    await eventually(
      () => groupInfo(),
      (g) => g.num_waiting === 0,
    );
    const whileDown = await publish(3);
    replicas.push(await start());
    const rows = await eventually(
      () => deliveriesTo(endpoint.id),
      (rows) => rows.length === 4 && rows.every((r) => r.status === 'Succeeded'),
      20_000,
    );
    // The killed attempt left no record: only the restarted replica's counts.
    expect(rows.map((r) => r.attempts)).toEqual([1, 1, 1, 1]);
    const got = receiver.at('/killed');
    const [a, b] = got.filter((r) => r.body.includes(String(held!.subject.paymentId)));
    expect(b!.headers['webhook-id']).toBe(a!.headers['webhook-id']);
    new Webhook(secret).verify(b!.body, b!.headers as Record<string, string>);
    for (const e of whileDown) {
      expect(got.filter((r) => r.body.includes(String(e.subject.paymentId)))).toHaveLength(1);
    }
    await eventually(
      () => groupInfo(),
      (g) => g.num_pending + g.num_ack_pending === 0,
    );
  }, 60_000);
});
