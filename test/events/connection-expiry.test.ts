/**
 * Notice before a bank consent lapses: connections made through the sandbox banks' own
 * login pages, the scheduler on clocks the test sets, its events read from the accounts
 * outbox, and (on SQLite) relayed to the consent service's router, which tells only the
 * client apps whose consents cover the connection's accounts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessTransport } from '../../src/shared/events/in-process.ts';
import { OutboxRelay } from '../../src/shared/events/outbox.ts';
import { openAccountsDb } from '../../src/subgraphs/accounts/db/client.ts';
import { ConnectionExpiryNotices } from '../../src/subgraphs/accounts/services/connection-expiry.ts';
import { migrateConsentDb, openConsentDb } from '../../src/subgraphs/consent/db/client.ts';
import { EventRouter } from '../../src/subgraphs/consent/services/events/router.ts';
import { storeKinds } from '../support/stores.ts';
import { startStoreSystem, type StoreSystem } from '../accounts/support/store-system.ts';

const day = 86_400_000;

for (const kind of storeKinds) {
  describe(`bank consent expiry notices on ${kind.provider}`, async () => {
    const available = await kind.available();
    let s: StoreSystem;
    let url: string;

    beforeAll(async () => {
      if (!available) return;
      const store = await kind.create();
      url = store.url;
      s = await startStoreSystem(store);
    });
    afterAll(async () => {
      if (available) await s.close();
    });

    const notices = (at: Date, noticeDays = 7, db = s.db) =>
      new ConnectionExpiryNotices({ db, clock: { now: () => at }, noticeDays });
    const written = async () =>
      (await s.db.outboxEvent.findMany({ where: { type: 'CONSENT_EXPIRING' } })).map((r) => ({
        dedupeKey: r.dedupeKey,
        subject: JSON.parse(r.subject) as Record<string, string>,
      }));
    const expiryOf = async (id: string) =>
      (await s.db.connection.findUniqueOrThrow({ where: { id } })).consentExpiresAt!;

    it.skipIf(!available)('tell once per connection and expiry, within the period', async () => {
      const connection = await s.connect('psu_alice', 'alice', 'bank-obie');
      const expires = await expiryOf(connection.id);
      // The 90 days asked of the bank.
      expect(Math.round((expires.getTime() - s.clock.now().getTime()) / day)).toBe(90);
      expect(await notices(new Date(expires.getTime() - 8 * day)).tick()).toEqual({ written: 0 });
      expect(await notices(new Date(expires.getTime() - 7 * day)).tick()).toEqual({ written: 1 });
      // Hourly ticks after it, a restart included, write nothing new.
      for (let h = 1; h <= 24; h++) {
        const at = new Date(expires.getTime() - 7 * day + h * 3_600_000);
        expect(await notices(at).tick()).toEqual({ written: 0 });
      }
      const [event] = await written();
      expect(event!.subject).toEqual({
        kind: 'connection',
        connectionId: connection.id,
        psuId: 'psu_alice',
        bankId: 'bank-obie',
        expiresAt: expires.toISOString(),
        accountIds: (await s.accountIds('psu_alice', 'bank-obie')).join(','),
      });
      // Once lapsed, it is CONNECTION_REAUTHORISATION_REQUIRED's turn, not this one's.
      expect(await notices(new Date(expires.getTime() + 1)).tick()).toEqual({ written: 0 });
    });

    it.skipIf(!available)('tell again for a reconnection, and for a new expiry', async () => {
      const before = (await written()).length;
      const renewed = await s.connect('psu_alice', 'alice', 'bank-obie');
      const expires = await expiryOf(renewed.id);
      expect(await notices(new Date(expires.getTime() - 3 * day)).tick()).toEqual({ written: 1 });
      expect((await written()).at(-1)!.subject.connectionId).toBe(renewed.id);
      // The same connection's consent moved (a bank's later validUntil): one more notice.
      const later = new Date(expires.getTime() + 30 * day);
      await s.db.connection.update({
        where: { id: renewed.id },
        data: { consentExpiresAt: later },
      });
      expect(await notices(new Date(expires.getTime() - 3 * day)).tick()).toEqual({ written: 0 });
      expect(await notices(new Date(later.getTime() - day)).tick()).toEqual({ written: 1 });
      expect((await written()).length).toBe(before + 2);
    });

    it.skipIf(!available)('the Berlin Group bank’s validUntil is the expiry', async () => {
      const connection = await s.connect('psu_alice', 'alice', 'bank-bg');
      expect((await expiryOf(connection.id)).toISOString()).toMatch(/T23:59:59\.999Z$/);
    });

    it.skipIf(!available)('two replicas ticking at once write each notice once', async () => {
      const connection = await s.connect('psu_bob', 'bob', 'bank-obie');
      const expires = await expiryOf(connection.id);
      const at = new Date(expires.getTime() - 2 * day);
      const before = (await written()).length;
      const other = openAccountsDb(url);
      try {
        const ticks = await Promise.all([
          notices(at).tick(),
          notices(at, 7, other).tick(),
          notices(at).tick(),
          notices(at, 7, other).tick(),
        ]);
        // Other connections may fall in the period too: what the ticks claim is what is there.
        const claimed = ticks.reduce((n, t) => n + t.written, 0);
        expect(claimed).toBe((await written()).length - before);
      } finally {
        await other.$disconnect();
      }
      const mine = (await written()).filter((w) => w.subject.connectionId === connection.id);
      expect(mine).toHaveLength(1);
    });

    it.skipIf(!available)('are off with a notice period of 0', async () => {
      const connection = await s.connect('psu_carol', 'carol', 'bank-obie');
      const at = new Date((await expiryOf(connection.id)).getTime() - day);
      expect(await notices(at, 0).tick()).toEqual({ written: 0 });
      expect((await written()).some((w) => w.subject.connectionId === connection.id)).toBe(false);
    });

    // The routing is the consent service's and the same on any store: it runs once, on
    // SQLite, and is not registered (nor reported skipped) on PostgreSQL.
    const onSqliteOnly =
      kind.provider === 'sqlite'
        ? it.skipIf(!available)
        : (((): void => undefined) as unknown as typeof it);
    onSqliteOnly(
      'reach the clients whose consents cover the accounts, naming only theirs',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'ledgergraph-conn-expiry-'));
        const consentUrl = `file:${join(dir, 'consent.db')}`;
        await migrateConsentDb(consentUrl);
        const consentDb = openConsentDb(consentUrl);
        try {
          const connection = await s.connect('psu_dave', 'bob', 'bank-bg');
          const [mine, notMine] = await s.accountIds('psu_dave', 'bank-bg');
          for (const id of ['pfm', 'other', 'elsewhere']) {
            await consentDb.clientApp.create({
              data: {
                id,
                name: id,
                secretHash: 'x',
                allowedPermissions: '',
                platformScopes: '',
                redirectUris: '[]',
              },
            });
          }
          await consentDb.psu.create({
            data: {
              id: 'psu_dave',
              username: 'dave',
              displayName: 'D',
              passwordHash: 'x',
              country: 'GB',
            },
          });
          const consent = (id: string, clientAppId: string, accounts: string[]) =>
            consentDb.consent.create({
              data: {
                id,
                clientAppId,
                psuId: 'psu_dave',
                status: 'Authorised',
                permissions: 'ReadBalances',
                selectedAccountIds: JSON.stringify(accounts),
              },
            });
          await consent('cns_pfm', 'pfm', [mine!]);
          await consent('cns_other', 'other', [notMine!]);
          await consent('cns_elsewhere', 'elsewhere', ['acc_at_another_bank']);

          // The accounts outbox relayed as in the embedded default, into the consent router.
          const transport = new InProcessTransport();
          const router = new EventRouter(consentDb, { now: () => new Date() });
          await transport.consume('client-events', async (e) => void (await router.ingest(e)));
          const relay = new OutboxRelay({
            source: 'accounts',
            outbox: s.db.outboxEvent,
            transport,
            pollIntervalMs: 60_000,
            retentionMs: 30 * day,
          });
          const expires = await expiryOf(connection.id);
          await notices(new Date(expires.getTime() - day)).tick();
          await relay.pass();

          const eventsOf = async (clientAppId: string) =>
            (await consentDb.clientEvent.findMany({ where: { clientAppId } }))
              .filter((e) => e.type === 'CONSENT_EXPIRING')
              .map((e) => JSON.parse(e.data) as Record<string, unknown>);
          expect(await eventsOf('pfm')).toEqual([
            {
              consentId: 'cns_pfm',
              kind: 'connection',
              expiresAt: expires.toISOString(),
              bankId: 'bank-bg',
              accountIds: [mine],
            },
          ]);
          expect((await eventsOf('other'))[0]!.accountIds).toEqual([notMine]);
          expect(await eventsOf('elsewhere')).toEqual([]);
          await transport.close();
        } finally {
          await consentDb.$disconnect();
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  });
}
