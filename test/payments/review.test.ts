import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/shared/auth/principal.ts';
import { loadConfig } from '../../src/shared/config/index.ts';
import { AppError } from '../../src/shared/errors/index.ts';
import {
  migratePaymentsDb,
  openPaymentsDb,
  type PaymentsDb,
} from '../../src/subgraphs/payments/db/client.ts';
import { createPaymentServices } from '../../src/subgraphs/payments/index.ts';
import type { Caller } from '../../src/subgraphs/payments/services/caller.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';
import { startAccountsDirectory, type AccountsDirectory } from './accounts-directory.ts';
import { FakePisConnector, fakeBank } from './fake-bank.ts';
import { refusal } from '../support/refusal.ts';

const bank = fakeBank;

// Any first payment to a creditor above 5.00 is held: every test payment here is.
const settings = loadConfig({
  PAYMENTS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  PAYMENTS_ANOMALY_BURST_COUNT: '100',
  PAYMENTS_ANOMALY_NEW_CREDITOR_AMOUNT: '5.00',
}).payments;

let n = 0;
function payer(): Caller {
  const psuId = `psu_r${++n}`;
  return {
    principal: {
      kind: 'consent',
      subject: psuId,
      clientId: 'demo-pfm',
      psuId,
      consentId: 'con_1',
      scopes: ['payments:initiate'],
      tokenId: 'jti',
      issuer: 'test',
      expiresAt: 0,
    },
    clientAppId: 'demo-pfm',
    psuId,
    consentId: 'con_1',
    accountIds: [],
  };
}

const reviewer = (clientId = 'payments-review'): Principal => ({
  kind: 'client',
  subject: clientId,
  clientId,
  scopes: ['payments:review'],
  tokenId: 'jti',
  issuer: 'test',
  expiresAt: 0,
});

for (const kind of storeKinds) {
  describe(`held payment review on ${kind.provider}`, async () => {
    const available = await kind.available();
    let store: TestStore;
    let db: PaymentsDb;
    let fake: FakePisConnector;
    let services: ReturnType<typeof createPaymentServices>;
    let directory: AccountsDirectory;
    const clock = { time: Date.parse('2026-03-02T09:00:00Z'), now: () => new Date(clock.time) };

    beforeAll(async () => {
      if (!available) return;
      directory = await startAccountsDirectory();
      store = await kind.create();
      await migratePaymentsDb(store.url);
      db = openPaymentsDb(store.url);
      fake = new FakePisConnector();
      services = createPaymentServices({
        db,
        internalSecret: 'x'.repeat(40),
        banks: [bank],
        settings,
        clock,
        connectors: new Map([[bank.id, fake]]),
        accounts: directory.client,
      });
    });
    afterAll(async () => {
      if (!available) return;
      await db.$disconnect();
      await store.drop();
      await directory.stop();
    });

    /** A payment the anomaly rules hold; SCA done, as before any hold. */
    async function held(c = payer()) {
      clock.time += 1000;
      const consent = await services.paymentConsents.create(c, `k-${c.psuId}`, {
        bankId: bank.id,
        amount: '20.00',
        currency: 'GBP',
        creditorName: 'New Shop',
        creditorAccount: { scheme: 'SortCodeAccountNumber', identification: '20150012345678' },
        reference: 'Order',
      });
      await services.paymentConsents.authorise(c, consent.id, 'code-1');
      const issued = await services.paymentConsents.challenge(c, consent.id);
      await services.paymentConsents.verifyChallenge(c, consent.id, issued.code);
      const payment = await services.submissions.submit(c, `s-${c.psuId}`, consent.id);
      expect(payment.status).toBe('HeldForReview');
      return payment;
    }

    const eventsOf = async (paymentId: string) =>
      (await db.outboxEvent.findMany({ orderBy: { seq: 'asc' } }))
        .filter((e) => e.type === 'PAYMENT_STATUS_CHANGED')
        .map((e) => JSON.parse(e.subject) as Record<string, unknown>)
        .filter((s) => s['paymentId'] === paymentId);

    describe.skipIf(!available)('the queue and its decisions', () => {
      it('lists held payments oldest first, paged by cursor', async () => {
        const ids = [(await held()).id, (await held()).id, (await held()).id];
        const seen: string[] = [];
        let after: string | null = null;
        do {
          const page = await services.reviews.queue(2, after);
          seen.push(...page.items.map((p) => p.id));
          after = page.nextCursor;
        } while (after);
        expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
        expect(new Set(seen).size).toBe(seen.length);
        await expect(services.reviews.queue(0)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      });

      it('approving sends the payment to the bank and records who decided, with an event', async () => {
        const payment = await held();
        const before = fake.calls.submit;
        const approved = await services.reviews.approve(reviewer(), payment.id);
        expect(fake.calls.submit - before).toBe(1);
        expect(approved).toMatchObject({ status: 'Pending', bankPaymentId: expect.any(String) });
        const history = await db.paymentStatusChange.findMany({
          where: { paymentId: payment.id },
          orderBy: { id: 'asc' },
        });
        expect(history.at(-1)).toMatchObject({
          fromStatus: 'HeldForReview',
          toStatus: 'Pending',
          decidedBy: 'payments-review',
          reason: expect.stringMatching(/^Approved on review/),
        });
        expect((await eventsOf(payment.id)).at(-1)).toMatchObject({
          status: 'Pending',
          previousStatus: 'HeldForReview',
        });
        const consent = await db.domesticPaymentConsent.findUnique({
          where: { id: payment.paymentConsentId },
        });
        expect(consent!.status).toBe('Consumed');
        expect((await services.reviews.queue(100)).items.map((p) => p.id)).not.toContain(
          payment.id,
        );
      });

      it('rejecting needs a reason of 1–500 characters, never reaches the bank, and is stored', async () => {
        const payment = await held();
        for (const reason of ['', '   ', 'x'.repeat(501)]) {
          const e = await refusal(services.reviews.reject(reviewer(), payment.id, reason));
          expect(e.code).toBe('BAD_USER_INPUT');
        }
        const before = fake.calls.submit;
        const rejected = await services.reviews.reject(reviewer(), payment.id, 'Mule account');
        expect(fake.calls.submit).toBe(before);
        expect(rejected).toMatchObject({
          status: 'Rejected',
          statusReason: 'Rejected on review: Mule account',
        });
        const last = await db.paymentStatusChange.findFirst({
          where: { paymentId: payment.id },
          orderBy: { id: 'desc' },
        });
        expect(last).toMatchObject({
          toStatus: 'Rejected',
          reason: 'Rejected on review: Mule account',
          decidedBy: 'payments-review',
        });
        expect((await eventsOf(payment.id)).at(-1)).toMatchObject({ status: 'Rejected' });
      });

      it('only a held payment can be decided', async () => {
        const payment = await held();
        await services.reviews.reject(reviewer(), payment.id, 'No');
        const e = await refusal(services.reviews.approve(reviewer(), payment.id));
        expect(e.code).toBe('CONFLICT');
        expect(e.details).toMatchObject({ reason: 'not_held', status: 'Rejected' });
        const missing = await refusal(services.reviews.approve(reviewer(), 'pay_nope'));
        expect(missing.code).toBe('NOT_FOUND');
      });

      it('a reviewer cannot decide a payment its own app made', async () => {
        const payment = await held();
        const e = await refusal(services.reviews.approve(reviewer('demo-pfm'), payment.id));
        expect(e.code).toBe('FORBIDDEN');
        expect(e.details['reason']).toBe('own_payment');
      });

      it('two reviewers racing: one decision wins, the bank hears at most once', async () => {
        const payment = await held();
        const before = fake.calls.submit;
        fake.delayMs = 100;
        let results;
        try {
          results = await Promise.allSettled([
            services.reviews.approve(reviewer(), payment.id),
            services.reviews.reject(reviewer('other-desk'), payment.id, 'Looks odd'),
            services.reviews.approve(reviewer('other-desk'), payment.id),
          ]);
        } finally {
          fake.delayMs = 0;
        }
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) {
          if (r.status === 'rejected') expect((r.reason as AppError).code).toBe('CONFLICT');
        }
        expect(fake.calls.submit - before).toBeLessThanOrEqual(1);
        const decisions = await db.paymentStatusChange.count({
          where: { paymentId: payment.id, fromStatus: 'HeldForReview' },
        });
        expect(decisions).toBe(1);
      });

      it('the compare-and-set alone refuses a second write of a decision', async () => {
        const payment = await held();
        // As if a second decider passed every check before the first one wrote.
        const write = (
          services.reviews as unknown as {
            write: (...a: unknown[]) => Promise<unknown>;
          }
        ).write.bind(services.reviews);
        await write(payment, { status: 'Rejected' }, reviewer(), 'rejected');
        const e = await refusal(write(payment, { status: 'Rejected' }, reviewer(), 'rejected'));
        expect(e.details['reason']).toBe('not_held');
        expect(
          await db.paymentStatusChange.count({
            where: { paymentId: payment.id, fromStatus: 'HeldForReview' },
          }),
        ).toBe(1);
      });

      it('a bank outage on approval leaves the payment held, to be approved again', async () => {
        const payment = await held();
        fake.failNext = 'submit';
        const e = await refusal(services.reviews.approve(reviewer(), payment.id));
        expect(e.code).toBe('UPSTREAM_UNAVAILABLE');
        const row = await db.domesticPayment.findUnique({ where: { id: payment.id } });
        expect(row!.status).toBe('HeldForReview');
        expect((await services.reviews.approve(reviewer(), payment.id)).status).toBe('Pending');
      });
    });
  });
}
