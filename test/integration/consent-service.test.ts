import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/shared/auth/principal.ts';
import type { Clock } from '../../src/shared/clock.ts';
import {
  migrateConsentDb,
  openConsentDb,
  type ConsentDb,
} from '../../src/subgraphs/consent/db/client.ts';
import { seedConsentDb } from '../../src/subgraphs/consent/db/seed.ts';
import { createAdapter, providerOf } from '../../src/shared/db/index.ts';
import { PrismaClient as SqliteClient } from '../../src/generated/consent/sqlite/client.ts';
import { PrismaClient as PostgresClient } from '../../src/generated/consent/postgresql/client.ts';
import { ConsentService } from '../../src/subgraphs/consent/services/consent.service.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';

class FrozenClock implements Clock {
  constructor(public at: Date) {}
  now() {
    return new Date(this.at);
  }
}

const client: Principal = {
  kind: 'client',
  subject: 'demo-pfm',
  clientId: 'demo-pfm',
  scopes: ['consents:manage'],
  tokenId: 't',
  issuer: 'i',
  expiresAt: 0,
};
const otherClient: Principal = { ...client, subject: 'demo-basic', clientId: 'demo-basic' };
const alice: Principal = {
  kind: 'psu',
  subject: 'psu_alice',
  clientId: 'ledgergraph-hosted-pages',
  psuId: 'psu_alice',
  scopes: ['consents:authorise'],
  tokenId: 't',
  issuer: 'i',
  expiresAt: 0,
};
const bob: Principal = { ...alice, subject: 'psu_bob', psuId: 'psu_bob' };

const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  );

for (const kind of storeKinds) {
  describe(`ConsentService on ${kind.provider}`, async () => {
    const available = await kind.available();
    if (!available) console.warn(`SKIPPED: ConsentService on ${kind.provider} (no server)`);
    let store: TestStore;
    let db: ConsentDb;
    let clock: FrozenClock;
    let service: ConsentService;

    beforeAll(async () => {
      if (!available) return;
      store = await kind.create();
      const applied = await migrateConsentDb(store.url);
      expect(applied[0]).toBe('0001_init.sql');
      expect(applied).toContain('0002_authorization_server.sql');
      db = openConsentDb(store.url);
      await seedConsentDb(db);
    });
    afterAll(async () => {
      if (!available) return;
      await db.$disconnect();
      await store.drop();
    });
    beforeEach(() => {
      clock = new FrozenClock(new Date('2026-03-01T10:00:00Z'));
      if (available) service = new ConsentService(db, clock);
    });

    it.skipIf(!available)(
      'runs a consent through request → authorise → revoke with a full history',
      async () => {
        const c = await service.request(client, {
          permissions: ['ReadAccountsBasic', 'ReadBalances'],
        });
        expect(c.status).toBe('AwaitingAuthorisation');
        expect(c.psuId).toBeNull();
        const authorised = await service.authorise(alice, c.id, ['acc_1', 'acc_2', 'acc_1']);
        expect(authorised.status).toBe('Authorised');
        expect(authorised.psuId).toBe('psu_alice');
        expect(JSON.parse(authorised.selectedAccountIds)).toEqual(['acc_1', 'acc_2']);
        expect(await service.grant(c.id)).toMatchObject({
          psuId: 'psu_alice',
          clientId: 'demo-pfm',
          accountIds: ['acc_1', 'acc_2'],
          // From the PSU's country (GB): what the audit batches under it are tagged with.
          jurisdiction: 'UK',
        });
        await service.revoke(alice, c.id);
        expect(await service.grant(c.id)).toBeNull();
        const history = await db.consentStatusChange.findMany({
          where: { consentId: c.id },
          orderBy: { id: 'asc' },
        });
        expect(history.map((h) => [h.fromStatus, h.toStatus, h.actor])).toEqual([
          [null, 'AwaitingAuthorisation', 'CLIENT'],
          ['AwaitingAuthorisation', 'Authorised', 'PSU'],
          ['Authorised', 'Revoked', 'PSU'],
        ]);
      },
    );

    it.skipIf(!available)('rejects, and refuses to authorise a rejected consent', async () => {
      const c = await service.request(client, { permissions: ['ReadAccountsBasic'] });
      expect((await service.reject(alice, c.id, 'not now')).status).toBe('Rejected');
      expect(await codeOf(service.authorise(alice, c.id, ['acc_1']))).toBe('CONFLICT');
      expect(await codeOf(service.revoke(alice, c.id))).toBe('CONFLICT');
    });

    it.skipIf(!available)('lets exactly one of two racing authorisations win', async () => {
      const c = await service.request(client, { permissions: ['ReadAccountsBasic'] });
      const results = await Promise.all([
        codeOf(service.authorise(alice, c.id, ['acc_1'])),
        codeOf(service.authorise(bob, c.id, ['acc_9'])),
      ]);
      expect(results.sort()).toEqual(['CONFLICT', 'ok']);
      expect(
        await db.consentStatusChange.count({ where: { consentId: c.id, toStatus: 'Authorised' } }),
      ).toBe(1);
    });

    it.skipIf(!available)(
      'expires an Authorised consent at expiresAt: grant gone, history says SYSTEM',
      async () => {
        const c = await service.request(client, {
          permissions: ['ReadAccountsBasic'],
          expiresAt: new Date('2026-03-02T10:00:00Z'),
        });
        await service.authorise(alice, c.id, ['acc_1']);
        expect(await service.grant(c.id)).not.toBeNull();
        clock.at = new Date('2026-03-02T10:00:00Z');
        expect(await service.grant(c.id)).toBeNull();
        const latest = await db.consentStatusChange.findFirst({
          where: { consentId: c.id },
          orderBy: { id: 'desc' },
        });
        expect(latest).toMatchObject({
          fromStatus: 'Authorised',
          toStatus: 'Expired',
          actor: 'SYSTEM',
        });
      },
    );

    it.skipIf(!available)(
      'rejects a consent that expired before the PSU authorised it',
      async () => {
        const c = await service.request(client, {
          permissions: ['ReadAccountsBasic'],
          expiresAt: new Date('2026-03-01T11:00:00Z'),
        });
        clock.at = new Date('2026-03-01T12:00:00Z');
        expect(await codeOf(service.authorise(alice, c.id, ['acc_1']))).toBe('CONFLICT');
        expect((await db.consent.findUniqueOrThrow({ where: { id: c.id } })).status).toBe(
          'Rejected',
        );
      },
    );

    it.skipIf(!available)(
      'never widens: permissions stay as requested whatever the PSU authorises',
      async () => {
        const c = await service.request(client, { permissions: ['ReadAccountsBasic'] });
        const authorised = await service.authorise(alice, c.id, ['acc_1']);
        expect(authorised.permissions).toBe('ReadAccountsBasic');
        // The only way to more permissions is a new consent, which needs a new authorisation.
        const wider = await service.request(client, { permissions: ['ReadAccountsDetail'] });
        expect(wider.id).not.toBe(c.id);
        expect(await service.grant(wider.id)).toBeNull();
      },
    );

    it.skipIf(!available)('reads a grant, its PSU country included, in one statement', async () => {
      const c = await service.request(client, {
        permissions: ['ReadAccountsBasic'],
        transactionFromDate: new Date('2026-01-01T00:00:00Z'),
        expiresAt: new Date('2026-06-01T12:30:00Z'),
      });
      await service.authorise(alice, c.id, ['acc_1']);
      // The same store through a client that reports every SQL statement it sends.
      const options = {
        adapter: createAdapter(store.url),
        log: [{ emit: 'event' as const, level: 'query' as const }],
      };
      const logged = (providerOf(store.url) === 'sqlite'
        ? new SqliteClient(options)
        : new PostgresClient(options)) as unknown as ConsentDb & {
        $on(event: 'query', listener: (e: { query: string }) => void): void;
      };
      const statements: string[] = [];
      logged.$on('query', (e) => statements.push(e.query));
      try {
        const grant = await new ConsentService(logged, clock).grant(c.id);
        expect(grant).toEqual({
          consentId: c.id,
          psuId: 'psu_alice',
          clientId: 'demo-pfm',
          status: 'Authorised',
          permissions: ['ReadAccountsBasic'],
          accountIds: ['acc_1'],
          transactionFromDate: '2026-01-01T00:00:00.000Z',
          transactionToDate: null,
          expiresAt: '2026-06-01T12:30:00.000Z',
          jurisdiction: 'UK',
        });
        expect(statements).toHaveLength(1);
        expect(statements[0]).toMatch(/"Consent"/);
        expect(statements[0]).toMatch(/"Psu"/);
      } finally {
        await logged.$disconnect();
      }
    });

    it.skipIf(!available)('shows a consent only to its parties', async () => {
      const c = await service.request(client, { permissions: ['ReadAccountsBasic'] });
      await service.authorise(alice, c.id, ['acc_1']);
      expect(await codeOf(service.visible(otherClient, c.id))).toBe('NOT_FOUND');
      expect(await codeOf(service.visible(bob, c.id))).toBe('NOT_FOUND');
      expect(await codeOf(service.revoke(otherClient, c.id))).toBe('NOT_FOUND');
      expect((await service.visible(client, c.id)).id).toBe(c.id);
      expect((await service.list(alice)).map((x) => x.id)).toContain(c.id);
      expect((await service.list(bob)).map((x) => x.id)).not.toContain(c.id);
    });
  });
}
