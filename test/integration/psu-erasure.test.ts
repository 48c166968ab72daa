/**
 * `psu erase` across the four stores on SQLite and PostgreSQL: the PSU's personal data is
 * gone where no retention duty applies, payments under one are kept whole, another PSU's
 * data is untouched, and the audit chain still verifies, with the erasure recorded in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erasePsu } from '../../src/commands/psu.ts';
import { AuditStore, migrateAuditDb, verifyChain } from '../../src/shared/audit/index.ts';
import { unpackRecords } from '../../src/shared/audit/records.ts';
import {
  migrateConsentDb,
  openConsentDb,
  type ConsentDb,
} from '../../src/subgraphs/consent/db/client.ts';
import { seedAccountsDb } from '../../src/subgraphs/accounts/db/seed.ts';
import { seedConsentDb } from '../../src/subgraphs/consent/db/seed.ts';
import { verifySecret } from '../../src/subgraphs/consent/services/secret-hash.ts';
import {
  migratePaymentsDb,
  openPaymentsDb,
  type PaymentsDb,
} from '../../src/subgraphs/payments/db/client.ts';
import { startStoreSystem, type StoreSystem } from '../accounts/support/store-system.ts';
import { makeBatch } from '../audit/support/batches.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';

const dayMs = 86_400_000;

async function payment(db: PaymentsDb, id: string, psuId: string, createdAt: Date) {
  const common = {
    clientAppId: 'demo-pfm',
    psuId,
    consentId: `cns_${id}`,
    bankId: 'sandbox-obie',
    amount: '10.00',
    currency: 'GBP',
    creditorName: 'Jane Creditor',
    creditorScheme: 'UK.OBIE.SortCodeAccountNumber',
    creditorAccount: '11223344556677',
    reference: 'Rent March',
    createdAt,
    updatedAt: createdAt,
  };
  await db.domesticPaymentConsent.create({
    data: { id: `pc_${id}`, standard: 'obie', status: 'Consumed', ...common },
  });
  await db.domesticPayment.create({
    data: {
      id: `pay_${id}`,
      paymentConsentId: `pc_${id}`,
      status: 'AcceptedSettlementCompleted',
      statusCheckedAt: createdAt,
      ...common,
    },
  });
}

for (const kind of storeKinds) {
  describe(`psu erase on ${kind.provider}`, async () => {
    const available = await kind.available();
    if (!available) console.warn(`SKIPPED: psu erase on ${kind.provider} (no server)`);
    let stores: { consent: TestStore; payments: TestStore; audit: TestStore; accounts: TestStore };
    let accounts: StoreSystem;
    let consentDb: ConsentDb;
    let paymentsDb: PaymentsDb;
    const urls = () => ({
      consent: stores.consent.url,
      accounts: stores.accounts.url,
      payments: stores.payments.url,
      audit: stores.audit.url,
    });

    beforeAll(async () => {
      if (!available) return;
      stores = {
        consent: await kind.create(),
        accounts: await kind.create(),
        payments: await kind.create(),
        audit: await kind.create(),
      };
      await migrateConsentDb(stores.consent.url);
      consentDb = openConsentDb(stores.consent.url);
      await seedConsentDb(consentDb);
      for (const psuId of ['psu_alice', 'psu_bob'])
        await consentDb.consent.create({
          data: {
            id: `cns_${psuId}`,
            clientAppId: 'demo-pfm',
            psuId,
            status: 'Authorised',
            permissions: 'ReadAccountsBasic',
            grantId: `grant_${psuId}`,
          },
        });
      for (const [key, model, id, payload, grantId] of [
        [
          'Grant:grant_psu_alice',
          'Grant',
          'grant_psu_alice',
          '{"accountId":"psu_alice"}',
          'grant_psu_alice',
        ],
        ['Session:s1', 'Session', 's1', '{"accountId":"psu_alice","uid":"u1"}', null],
        ['Session:s2', 'Session', 's2', '{"accountId":"psu_bob","uid":"u2"}', null],
      ] as const)
        await consentDb.oidcPayload.create({ data: { key, model, id, payload, grantId } });

      accounts = await startStoreSystem(stores.accounts);
      await accounts.connect('psu_alice', 'alice', 'bank-obie');
      await accounts.connect('psu_bob', 'bob', 'bank-obie');
      const ids = [
        ...(await accounts.accountIds('psu_alice', 'bank-obie')),
        ...(await accounts.accountIds('psu_bob', 'bank-obie')),
      ];
      expect(await accounts.services.bankData.refresh('transactions', ids)).toEqual(new Map());

      await migratePaymentsDb(stores.payments.url);
      paymentsDb = openPaymentsDb(stores.payments.url);
      await payment(paymentsDb, 'recent', 'psu_alice', new Date(Date.now() - 30 * dayMs));
      await payment(paymentsDb, 'old', 'psu_alice', new Date(Date.now() - 6 * 365 * dayMs));
      await payment(paymentsDb, 'bob', 'psu_bob', new Date(Date.now() - 6 * 365 * dayMs));

      await migrateAuditDb(stores.audit.url);
      const audit = AuditStore.open(stores.audit.url);
      await audit.append(makeBatch({ jurisdiction: 'UK' }));
      await audit.append(makeBatch({ principalId: 'psu_bob', psuId: 'psu_bob' }));
      await audit.close();
    });
    afterAll(async () => {
      if (!available) return;
      await consentDb.$disconnect();
      await paymentsDb.$disconnect();
      await accounts.close();
      await Promise.all([stores.consent.drop(), stores.payments.drop(), stores.audit.drop()]);
    });

    it.skipIf(!available)(
      'erases the PSU where no retention duty applies, keeps what one covers, and the audit chain verifies',
      async () => {
        const changed: string[] = [];
        const signals = {
          consentChanged: async (c: { consentId: string }) => void changed.push(c.consentId),
        };
        const result = await erasePsu(urls(), 'psu_alice', 'dpo', undefined, signals);
        // Gateways sharing a Redis hear of every revocation, as from the consent service.
        const revoked = await consentDb.consent.findMany({
          where: { psuId: 'psu_alice', status: 'Revoked' },
        });
        expect(changed.sort()).toEqual(revoked.map((c) => c.id).sort());
        expect(changed).toHaveLength(1);
        expect(result).toMatchObject({
          consent: { jurisdiction: 'UK', consentsRevoked: 1, authorizationRows: 2, again: false },
          accounts: { connections: 1, accounts: 2 },
          payments: { paymentsKept: 1, paymentsErased: 1, consentsErased: 1 },
          audit: { erased: 1, kept: 0 },
        });
        expect(result.accounts.transactions).toBeGreaterThan(0);

        // Consent store: no name, username, password or second factor; consents revoked.
        const alice = await consentDb.psu.findUniqueOrThrow({ where: { id: 'psu_alice' } });
        expect(alice).toMatchObject({
          username: 'erased:psu_alice',
          displayName: '',
          passwordHash: '',
          totpSecret: null,
        });
        expect(alice.erasedAt).not.toBeNull();
        // Nothing to sign in with: the name finds no one, the old password matches nothing.
        expect(await consentDb.psu.findUnique({ where: { username: 'alice' } })).toBeNull();
        expect(await verifySecret('alice-sandbox', alice.passwordHash)).toBe(false);
        expect(
          (await consentDb.consent.findUniqueOrThrow({ where: { id: 'cns_psu_alice' } })).status,
        ).toBe('Revoked');
        expect((await consentDb.oidcPayload.findMany()).map((r) => r.key)).toEqual(['Session:s2']);

        // Accounts store: nothing of alice's left; bob's untouched.
        expect(await accounts.db.connection.count({ where: { psuId: 'psu_alice' } })).toBe(0);
        expect(await accounts.db.account.count({ where: { psuId: 'psu_alice' } })).toBe(0);
        expect(await accounts.db.account.count({ where: { psuId: 'psu_bob' } })).toBe(2);
        expect(await accounts.db.transaction.count()).toBeGreaterThan(0);
        // The demo seed at the next start links nobody it erased (bob: every sandbox bank).
        await seedAccountsDb(accounts.services, accounts.db);
        expect(await accounts.db.connection.count({ where: { psuId: 'psu_alice' } })).toBe(0);
        expect(await accounts.db.connection.count({ where: { psuId: 'psu_bob' } })).toBeGreaterThan(
          1,
        );

        // Payments store: the recent payment is kept whole (5 years' record retention); the
        // old one keeps amount and ids but no creditor or reference; bob's is untouched.
        const pays = await paymentsDb.domesticPayment.findMany({ orderBy: { id: 'asc' } });
        expect(pays.map((p) => [p.id, p.creditorName, p.reference])).toEqual([
          ['pay_bob', 'Jane Creditor', 'Rent March'],
          ['pay_old', '', ''],
          ['pay_recent', 'Jane Creditor', 'Rent March'],
        ]);

        // Audit: alice's batch is erased, the erasure is recorded, the chain verifies.
        const audit = await AuditStore.openReadOnly(stores.audit.url);
        try {
          expect(await verifyChain(audit.db)).toMatchObject({ ok: true, batches: 3 });
          const rows = await audit.db.auditBatch.findMany({ orderBy: { seq: 'asc' } });
          expect(rows.map((r) => r.records === '')).toEqual([true, false, false]);
          const [record] = unpackRecords(rows[2]!.format, rows[2]!.records, rows[2]!.at);
          expect(JSON.parse(record!.args!)).toMatchObject({
            by: 'dpo',
            jurisdiction: 'UK',
            paymentsKept: 1,
            paymentsErased: 1,
          });
        } finally {
          await audit.close();
        }

        // Again: nothing more to erase, and still a chain that verifies.
        const again = await erasePsu(urls(), 'psu_alice', 'dpo');
        expect(again).toMatchObject({
          consent: { consentsRevoked: 0, again: true },
          accounts: { connections: 0, transactions: 0 },
          audit: { erased: 0 },
        });
      },
    );

    it.skipIf(!available)('an unknown PSU is refused, and nothing is written', async () => {
      await expect(erasePsu(urls(), 'psu_nobody', 'dpo')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });
  });
}
