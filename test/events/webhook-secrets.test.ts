import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/shared/clock.ts';
import { SecretBox } from '../../src/shared/crypto/secret-box.ts';
import { applyMigrations } from '../../src/shared/db/index.ts';
import { newEvent } from '../../src/shared/events/outbox.ts';
import { newWebhookSecret } from '../../src/shared/events/signature.ts';
import {
  consentStoreDir,
  migrateConsentDb,
  openConsentDb,
  type ConsentDb,
} from '../../src/subgraphs/consent/db/client.ts';
import { WebhookDispatcher } from '../../src/subgraphs/consent/services/events/dispatcher.ts';
import { EventRouter } from '../../src/subgraphs/consent/services/events/router.ts';
import { WebhookEndpointService } from '../../src/subgraphs/consent/services/events/webhook-endpoints.service.ts';
import { WebhookSecrets } from '../../src/subgraphs/consent/services/events/webhook-secrets.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { demoClient, quickDispatch } from './support/fixtures.ts';

const client = demoClient;

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const secretsUnder = (current: Buffer, previous: Buffer[] = []) =>
  new WebhookSecrets(new SecretBox(current, previous));

/** Every value in the endpoint table, as the store holds it. */
async function storedValues(db: ConsentDb): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(
    'SELECT * FROM "WebhookEndpoint"',
  );
  return rows.flatMap((r) => Object.values(r).map((v) => String(v)));
}

/** The secret's key material: what must never be in the store, with or without its prefix. */
const material = (secret: string) => secret.replace(/^whsec_/, '');

const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;

for (const kind of storeKinds) {
  describe(`webhook signing secrets at rest on ${kind.provider}`, async () => {
    const available = await kind.available();
    if (!available) console.warn(`SKIPPED: webhook secrets on ${kind.provider} (no server)`);
    const stores: TestStore[] = [];
    const dbs: ConsentDb[] = [];
    let receiver: Receiver;
    let consentSeq = 0;

    async function freshStore(storeDir = consentStoreDir): Promise<{ db: ConsentDb; url: string }> {
      const store = await kind.create();
      stores.push(store);
      await applyMigrations(store.url, storeDir);
      return { db: openConsentDb(store.url), url: store.url };
    }

    async function seedClient(db: ConsentDb) {
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
    }

    /** One routed event for demo-pfm; resolves with the delivery to `path`, once sent. */
    async function deliverOne(db: ConsentDb, secrets: WebhookSecrets, path: string) {
      const id = `cns_s${++consentSeq}`;
      await db.consent.create({
        data: { id, clientAppId: 'demo-pfm', status: 'Revoked', permissions: 'ReadBalances' },
      });
      await new EventRouter(db, systemClock).ingest(
        newEvent(
          'CONSENT_STATUS_CHANGED',
          'consent',
          { consentId: id, clientId: 'demo-pfm', status: 'Revoked' },
          new Date(),
        ),
      );
      const d = new WebhookDispatcher({
        db,
        clock: systemClock,
        secrets,
        ...quickDispatch,
      });
      try {
        await d.pass();
      } finally {
        await d.stop();
      }
      return receiver.at(path).find((r) => r.body.includes(id));
    }

    const verifies = (
      secret: string,
      r: { body: string; headers: Record<string, unknown> } | undefined,
    ) => {
      expect(r).toBeDefined();
      new Webhook(secret).verify(r!.body, r!.headers as Record<string, string>);
    };

    beforeAll(async () => {
      if (available) receiver = await startReceiver();
    });
    afterAll(async () => {
      if (!available) return;
      await receiver.close();
      for (const db of dbs) await db.$disconnect();
      for (const s of stores) await s.drop();
    });

    it.runIf(available)(
      'the store never holds a secret in the clear; deliveries verify with both after rotation',
      async () => {
        const { db } = await freshStore();
        dbs.push(db);
        await seedClient(db);
        const secrets = secretsUnder(keyA);
        const endpoints = new WebhookEndpointService(db, systemClock, {
          secrets,
          sandboxMode: true,
        });
        const { endpoint, secret: old } = await endpoints.create(client, {
          url: `${receiver.url}/sealed`,
          eventTypes: ['CONSENT_STATUS_CHANGED'],
        });
        const { secret: fresh } = await endpoints.rotateSecret(client, endpoint.id);
        const stored = await storedValues(db);
        for (const s of [old, fresh])
          expect(stored.filter((v) => v.includes(material(s)))).toEqual([]);
        const row = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
        expect(row.sealedSecret).toMatch(/^v1\./);
        expect(row.sealedPreviousSecret).toMatch(/^v1\./);
        // A sealed secret copied onto another endpoint's row does not open there.
        expect(() =>
          secrets.open({ ...row, id: 'whe_other', sealedPreviousSecret: null }, false),
        ).toThrow(/does not open/);
        const delivered = await deliverOne(db, secrets, '/sealed');
        verifies(fresh, delivered);
        verifies(old, delivered);
      },
    );

    it.runIf(available)(
      'after a key rotation old rows still open, are re-sealed at start, and then need no old key',
      async () => {
        const { db } = await freshStore();
        dbs.push(db);
        await seedClient(db);
        const { endpoint, secret } = await new WebhookEndpointService(db, systemClock, {
          secrets: secretsUnder(keyA),
          sandboxMode: true,
        }).create(client, {
          url: `${receiver.url}/rotated-key`,
          eventTypes: ['CONSENT_STATUS_CHANGED'],
        });
        // Key B is current, key A only opens.
        const rotated = secretsUnder(keyB, [keyA]);
        verifies(secret, await deliverOne(db, rotated, '/rotated-key'));
        const before = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
        expect(await rotated.sealAtRest(db)).toBe(1);
        expect(await rotated.sealAtRest(db)).toBe(0);
        const after = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
        expect(after.sealedSecret).not.toBe(before.sealedSecret);
        // Key A dropped: the re-sealed row opens under B alone.
        verifies(secret, await deliverOne(db, secretsUnder(keyB), '/rotated-key'));
        // Under a key that never sealed it, the endpoint is disabled with the reason.
        expect(await deliverOne(db, secretsUnder(randomBytes(32)), '/rotated-key')).toBe(undefined);
        const disabled = await db.webhookEndpoint.findUniqueOrThrow({
          where: { id: endpoint.id },
        });
        expect(disabled).toMatchObject({ status: 'Disabled' });
        expect(disabled.disabledReason).toMatch(/no longer has/);
      },
    );

    it.runIf(available)(
      'migration 0005 keeps an endpoint stored in the clear; the next start seals it',
      async () => {
        const before = mkdtempSync(join(tmpdir(), 'lg-consent-mig-'));
        try {
          cpSync(consentStoreDir, before, { recursive: true });
          for (const provider of ['sqlite', 'postgresql'])
            rmSync(join(before, 'migrations', provider, '0005_webhook_secrets_sealed.sql'));
          const { db, url } = await freshStore(before);
          dbs.push(db);
          await seedClient(db);
          const [secret, previous] = [newWebhookSecret(), newWebhookSecret()];
          const now = new Date();
          const date =
            kind.provider === 'sqlite'
              ? quote(now.toISOString().replace('Z', '+00:00'))
              : `${quote(now.toISOString())}::timestamp(3)`;
          const until = new Date(now.getTime() + 3_600_000);
          const untilSql =
            kind.provider === 'sqlite'
              ? quote(until.toISOString().replace('Z', '+00:00'))
              : `${quote(until.toISOString())}::timestamp(3)`;
          // As the previous version stored it.
          await db.$executeRawUnsafe(
            `INSERT INTO "WebhookEndpoint" ("id","clientAppId","url","eventTypes","secret","previousSecret","previousSecretUntil","status","createdAt","updatedAt") VALUES ('whe_legacy','demo-pfm',${quote(`${receiver.url}/legacy`)},'CONSENT_STATUS_CHANGED',${quote(secret)},${quote(previous)},${untilSql},'Enabled',${date},${date})`,
          );
          expect(await migrateConsentDb(url)).toEqual(['0005_webhook_secrets_sealed.sql']);
          const secrets = secretsUnder(keyA);
          expect(await secrets.sealAtRest(db)).toBe(1);
          const stored = await storedValues(db);
          for (const s of [secret, previous])
            expect(stored.filter((v) => v.includes(material(s)))).toEqual([]);
          const delivered = await deliverOne(db, secrets, '/legacy');
          verifies(secret, delivered);
          verifies(previous, delivered);
        } finally {
          rmSync(before, { recursive: true, force: true });
        }
      },
    );
  });
}
