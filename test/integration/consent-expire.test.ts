import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/shared/auth/principal.ts';
import type { Clock } from '../../src/shared/clock.ts';
import {
  migrateConsentDb,
  openConsentDb,
  type ConsentDb,
} from '../../src/subgraphs/consent/db/client.ts';
import { seedConsentDb } from '../../src/subgraphs/consent/db/seed.ts';
import {
  ConsentService,
  type ConsentRecord,
} from '../../src/subgraphs/consent/services/consent.service.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';

const client: Principal = {
  kind: 'client',
  subject: 'demo-pfm',
  clientId: 'demo-pfm',
  scopes: ['consents:manage'],
  tokenId: 't',
  issuer: 'i',
  expiresAt: 0,
};
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

const clock = { at: new Date('2026-03-01T10:00:00Z'), now: () => new Date(clock.at) };

for (const kind of storeKinds) {
  describe(`lazy consent expiry on ${kind.provider}`, async () => {
    const available = await kind.available();
    if (!available) console.warn(`SKIPPED: lazy consent expiry on ${kind.provider} (no server)`);
    let store: TestStore | undefined;
    let db: ConsentDb | undefined;

    /** A fresh store per test: the failure test breaks its own. */
    async function fresh(): Promise<{ db: ConsentDb; service: ConsentService }> {
      store = await kind.create();
      await migrateConsentDb(store.url);
      db = openConsentDb(store.url);
      await seedConsentDb(db);
      clock.at = new Date('2026-03-01T10:00:00Z');
      return { db, service: new ConsentService(db, clock satisfies Clock) };
    }
    afterEach(async () => {
      await db?.$disconnect();
      await store?.drop();
      db = undefined;
      store = undefined;
    });

    async function authorisedUntilTomorrow(service: ConsentService) {
      const c = await service.request(client, {
        permissions: ['ReadAccountsBasic'],
        expiresAt: new Date('2026-03-02T10:00:00Z'),
      });
      await service.authorise(alice, c.id, ['acc_1']);
      return c;
    }

    it.skipIf(!available)(
      'a store that fails while expiring surfaces the error instead of a live grant',
      async () => {
        const { db, service } = await fresh();
        const c = await authorisedUntilTomorrow(service);
        // The status row stays readable; only the expiry's write (its history row) fails.
        await db.$executeRawUnsafe('DROP TABLE "ConsentStatusChange"');
        clock.at = new Date('2026-03-02T10:00:00Z');
        await expect(service.grant(c.id)).rejects.toThrow(/ConsentStatusChange/);
        expect((await db.consent.findUniqueOrThrow({ where: { id: c.id } })).status).toBe(
          'Authorised',
        );
      },
    );

    it.skipIf(!available)(
      'losing the race to a concurrent change returns the stored row, no error',
      async () => {
        const { db, service } = await fresh();
        const c = await authorisedUntilTomorrow(service);
        const stale = await db.consent.findUniqueOrThrow({ where: { id: c.id } });
        await service.revoke(alice, c.id);
        clock.at = new Date('2026-03-02T10:00:00Z');
        // What a request that read the row just before the revocation goes on to do.
        const expire = (
          service as unknown as { expire(c: ConsentRecord): Promise<ConsentRecord> }
        ).expire.bind(service);
        expect((await expire(stale)).status).toBe('Revoked');
        expect(
          await db.consentStatusChange.count({ where: { consentId: c.id, toStatus: 'Expired' } }),
        ).toBe(0);
        expect(await service.grant(c.id)).toBeNull();
      },
    );
  });
}
