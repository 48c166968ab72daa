import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/shared/clock.ts';
import { badInput } from '../../src/shared/errors/index.ts';
import { excerptBytes } from '../../src/shared/events/webhook-post.ts';
import {
  migrateConsentDb,
  openConsentDb,
  type ConsentDb,
} from '../../src/subgraphs/consent/db/client.ts';
import {
  WebhookDispatcher,
  type DispatcherOptions,
} from '../../src/subgraphs/consent/services/events/dispatcher.ts';
import { EventRouter } from '../../src/subgraphs/consent/services/events/router.ts';
import { WebhookEndpointService } from '../../src/subgraphs/consent/services/events/webhook-endpoints.service.ts';
import { WebhookSecrets } from '../../src/subgraphs/consent/services/events/webhook-secrets.ts';
import { newEvent } from '../../src/shared/events/outbox.ts';
import { SecretBox } from '../../src/shared/crypto/secret-box.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';
import { eventually, startReceiver, type Receiver } from './support/receiver.ts';
import { demoClient, quickDispatch } from './support/fixtures.ts';

const secrets = new WebhookSecrets(new SecretBox(randomBytes(32)));

const client = demoClient;

for (const kind of storeKinds) {
  describe(`webhook dispatcher on ${kind.provider}`, async () => {
    const available = await kind.available();
    if (!available) console.warn(`SKIPPED: webhook dispatcher on ${kind.provider} (no server)`);
    let store: TestStore;
    let db: ConsentDb;
    let receiver: Receiver;
    let consentSeq = 0;
    const endpoints = () =>
      new WebhookEndpointService(db, systemClock, {
        secrets,
        sandboxMode: true,
        rotationOverlapMs: 60_000,
      });
    const dispatcher = (o: Partial<DispatcherOptions> = {}) =>
      new WebhookDispatcher({
        db,
        clock: systemClock,
        secrets,
        ...quickDispatch,
        leaseMs: 1_000,
        ...o,
      });

    /** A consent of demo-pfm and its status change, routed: one client event, deliveries. */
    async function consentEvent(): Promise<string> {
      const id = `cns_d${++consentSeq}`;
      await db.consent.upsert({
        where: { id },
        create: { id, clientAppId: 'demo-pfm', status: 'Revoked', permissions: 'ReadBalances' },
        update: {},
      });
      const event = newEvent(
        'CONSENT_STATUS_CHANGED',
        'consent',
        { consentId: id, clientId: 'demo-pfm', status: 'Revoked' },
        new Date(),
      );
      await new EventRouter(db, systemClock).ingest(event);
      return id;
    }

    async function endpointAt(path: string) {
      await db.webhookEndpoint.updateMany({ data: { status: 'Disabled' } });
      return endpoints().create(client, {
        url: `${receiver.url}${path}`,
        eventTypes: ['CONSENT_STATUS_CHANGED'],
      });
    }

    beforeAll(async () => {
      if (!available) return;
      store = await kind.create();
      await migrateConsentDb(store.url);
      db = openConsentDb(store.url);
      await db.clientApp.create({
        data: {
          id: 'demo-pfm',
          name: 'Demo',
          secretHash: 'x',
          allowedPermissions: 'ReadBalances',
          platformScopes: 'consents:manage',
          redirectUris: '[]',
        },
      });
      receiver = await startReceiver();
    });
    afterAll(async () => {
      if (!available) return;
      await receiver.close();
      await db.$disconnect();
      await store.drop();
    });

    it.runIf(available)(
      'a receiver failing three times then succeeding gets the same webhook-id, signed each time',
      async () => {
        const { endpoint, secret } = await endpointAt('/flaky');
        let failures = 3;
        receiver.answer('/flaky', (_r, res) => res.writeHead(failures-- > 0 ? 503 : 200).end());
        await consentEvent();
        const d = dispatcher().start();
        let delivery;
        try {
          [delivery] = await eventually(
            () => db.webhookDelivery.findMany({ where: { endpointId: endpoint.id } }),
            (rows) => rows[0]?.status === 'Succeeded',
          );
        } finally {
          await d.stop();
        }
        expect(delivery).toMatchObject({ attempts: 4, lastStatusCode: 200 });
        const got = receiver.at('/flaky');
        expect(got).toHaveLength(4);
        expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1);
        for (const r of got) {
          new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
        }
      },
    );

    it.runIf(available)(
      'a dispatcher killed mid-delivery loses nothing: a restarted one sends it again',
      async () => {
        const { endpoint } = await endpointAt('/slow');
        let first = true;
        receiver.answer('/slow', (_r, res) => {
          if (first)
            first = false; // never answered: the first dispatcher dies waiting
          else res.writeHead(200).end('ok');
        });
        await consentEvent();
        const killed = dispatcher().start();
        await receiver.waitFor(() => receiver.at('/slow').length >= 1);
        await killed.stop();
        const restarted = dispatcher().start();
        let delivery;
        try {
          [delivery] = await eventually(
            () => db.webhookDelivery.findMany({ where: { endpointId: endpoint.id } }),
            (rows) => rows[0]?.status === 'Succeeded',
          );
        } finally {
          await restarted.stop();
        }
        const [a, b] = receiver.at('/slow');
        expect(b!.headers['webhook-id']).toBe(a!.headers['webhook-id']);
        // The killed attempt left no record: only the restarted one counts.
        expect(delivery).toMatchObject({ status: 'Succeeded', attempts: 1 });
      },
    );

    it.runIf(available)(
      'an endpoint that keeps failing is disabled with a reason; only an excerpt is kept',
      async () => {
        const { endpoint } = await endpointAt('/down');
        receiver.answer('/down', (_r, res) => res.writeHead(500).end('x'.repeat(10_000)));
        await consentEvent();
        const d = dispatcher({ retryWindowMs: 500 }).start();
        let disabled;
        try {
          disabled = await eventually(
            () => db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } }),
            (e) => e.status === 'Disabled',
          );
        } finally {
          await d.stop();
        }
        expect(disabled.disabledReason).toMatch(/HTTP 500/);
        const [delivery] = await db.webhookDelivery.findMany({
          where: { endpointId: endpoint.id },
        });
        expect(delivery!.status).toBe('Failed');
        expect(delivery!.attempts).toBeGreaterThan(1);
        expect(delivery!.responseExcerpt!.length).toBeLessThanOrEqual(excerptBytes);
      },
    );

    it.runIf(available)('redirects are not followed', async () => {
      const { endpoint } = await endpointAt('/moved');
      receiver.answer('/moved', (_r, res) =>
        res.writeHead(307, { location: `${receiver.url}/target` }).end(),
      );
      await consentEvent();
      const d = dispatcher({ retryBaseMs: 60_000 }).start();
      try {
        await eventually(
          () => db.webhookDelivery.findMany({ where: { endpointId: endpoint.id } }),
          (rows) => rows[0]?.attempts === 1,
        );
      } finally {
        await d.stop();
      }
      expect(receiver.at('/target')).toHaveLength(0);
      const [delivery] = await db.webhookDelivery.findMany({ where: { endpointId: endpoint.id } });
      expect(delivery).toMatchObject({ status: 'Pending', lastStatusCode: 307 });
    });

    it.runIf(available)(
      'outside sandbox mode a delivery to a loopback address is refused at connect time',
      async () => {
        // Registered while sandbox mode allowed it; the dispatcher now runs without it. The
        // host is a name, so only the address checked at connect time can catch it.
        const port = new URL(receiver.url).port;
        await db.webhookEndpoint.updateMany({ data: { status: 'Disabled' } });
        const { endpoint } = await endpoints().create(client, {
          url: `http://localhost:${port}/ssrf`,
          eventTypes: ['CONSENT_STATUS_CHANGED'],
        });
        await consentEvent();
        const d = dispatcher({ sandboxMode: false, retryBaseMs: 60_000 }).start();
        let delivery;
        try {
          [delivery] = await eventually(
            () => db.webhookDelivery.findMany({ where: { endpointId: endpoint.id } }),
            (rows) => rows[0]?.attempts === 1,
          );
        } finally {
          await d.stop();
        }
        expect(receiver.at('/ssrf')).toHaveLength(0);
        expect(delivery!.lastError).toMatch(/non-public address/);
      },
    );
  });
}

describe('webhook endpoint registration outside sandbox mode', () => {
  const service = (answers: Record<string, string[]> = {}) =>
    new WebhookEndpointService({} as ConsentDb, systemClock, {
      secrets,
      sandboxMode: false,
      resolve: async (host) => answers[host] ?? [host],
    });

  it.each([
    ['http://93.184.216.34/hook', /must be https/],
    ['https://127.0.0.1/hook', /private, link-local or loopback/],
    ['https://10.1.2.3/hook', /private, link-local or loopback/],
    ['https://169.254.169.254/latest', /private, link-local or loopback/],
    ['https://[::1]/hook', /private, link-local or loopback/],
    ['https://[::ffff:192.168.1.1]/hook', /private, link-local or loopback/],
    ['https://rebind.example/hook', /private, link-local or loopback/],
    ['https://user:pw@93.184.216.34/hook', /credentials/],
  ])('refuses %s', async (url, why) => {
    const refused = service({ 'rebind.example': ['93.184.216.34', '192.168.0.10'] }).create(
      client,
      { url, eventTypes: ['CONSENT_STATUS_CHANGED'] },
    );
    await expect(refused).rejects.toMatchObject({ code: badInput('').code });
    await expect(refused).rejects.toThrow(why);
  });
});
