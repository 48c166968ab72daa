import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BankDefinition } from '../../src/shared/banks.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { loadConfig } from '../../src/shared/config/index.ts';
import { keyIdOf } from '../../src/shared/crypto/secret-box.ts';
import { AppError } from '../../src/shared/errors/index.ts';
import {
  migratePaymentsDb,
  openPaymentsDb,
  type PaymentsDb,
} from '../../src/subgraphs/payments/db/client.ts';
import { createPaymentServices } from '../../src/subgraphs/payments/index.ts';
import { toChallenge } from '../../src/subgraphs/payments/schema/mappers.ts';
import type { Caller } from '../../src/subgraphs/payments/services/caller.ts';
import type { PaymentOrderInput } from '../../src/subgraphs/payments/services/input.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';
import { startAccountsDirectory, type AccountsDirectory } from './accounts-directory.ts';
import { FakePisConnector, fakeBank } from './fake-bank.ts';
import { refusal } from '../support/refusal.ts';

/** A clock the test moves by hand. */
class ManualClock implements Clock {
  time = Date.parse('2026-03-02T09:00:00Z');
  now(): Date {
    return new Date(this.time);
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

const bank = fakeBank;

const realBank: BankDefinition = { ...bank, id: 'real-bank', sandbox: false };

const paymentsKey = randomBytes(32);
const settings = loadConfig({
  PAYMENTS_ENCRYPTION_KEY: paymentsKey.toString('base64'),
  PAYMENTS_STATUS_FRESHNESS_SECONDS: '30',
  PAYMENTS_ANOMALY_BURST_COUNT: '100',
}).payments;

let callers = 0;
function caller(overrides: Partial<Caller> = {}): Caller {
  const psuId = `psu_${++callers}`;
  return {
    principal: {
      kind: 'consent',
      subject: psuId,
      clientId: 'demo-pfm',
      psuId,
      consentId: 'con_1',
      scopes: ['payments:initiate', 'payments:read'],
      tokenId: 'jti',
      issuer: 'test',
      expiresAt: 0,
    },
    clientAppId: 'demo-pfm',
    psuId,
    consentId: 'con_1',
    accountIds: ['acc_1'],
    ...overrides,
  };
}

const order = (overrides: Partial<PaymentOrderInput> = {}): PaymentOrderInput => ({
  bankId: 'fake-bank',
  amount: '10.00',
  currency: 'GBP',
  creditorName: 'Corner Bakery',
  creditorAccount: { scheme: 'SortCodeAccountNumber', identification: '20150012345678' },
  reference: 'Cakes',
  ...overrides,
});

for (const kind of storeKinds) {
  describe(`payments services on ${kind.provider}`, async () => {
    const available = await kind.available();
    let store: TestStore;
    let db: PaymentsDb;
    let clock: ManualClock;
    let fake: FakePisConnector;
    let services: ReturnType<typeof createPaymentServices>;
    let directory: AccountsDirectory;

    beforeAll(async () => {
      if (!available) return;
      directory = await startAccountsDirectory();
      store = await kind.create();
      await migratePaymentsDb(store.url);
      db = openPaymentsDb(store.url);
      clock = new ManualClock();
      fake = new FakePisConnector();
      services = createPaymentServices({
        db,
        internalSecret: 'x'.repeat(40),
        banks: [bank, realBank],
        settings,
        clock,
        connectors: new Map([
          [bank.id, fake],
          [realBank.id, fake],
        ]),
        accounts: directory.client,
      });
    });
    afterAll(async () => {
      if (!available) return;
      await db.$disconnect();
      await store.drop();
      await directory.stop();
    });

    /** An authorised consent, with SCA done, ready to submit. */
    async function readyConsent(c: Caller, input = order()) {
      const consent = await services.paymentConsents.create(c, `ready-${c.psuId}`, input);
      await services.paymentConsents.authorise(c, consent.id, 'code-1');
      const issued = await services.paymentConsents.challenge(c, consent.id);
      await services.paymentConsents.verifyChallenge(c, consent.id, issued.code);
      return consent;
    }

    describe.skipIf(!available)('idempotency keys', () => {
      it('same client, key and input: the first result again, one bank call', async () => {
        const c = caller();
        const before = fake.calls.createConsent;
        const first = await services.paymentConsents.create(c, 'key-1', order());
        const again = await services.paymentConsents.create(c, 'key-1', order({ amount: '10' }));
        expect(again.id).toBe(first.id);
        expect(fake.calls.createConsent - before).toBe(1);
      });

      it('same key with another input is CONFLICT and leaves the first untouched', async () => {
        const c = caller();
        const first = await services.paymentConsents.create(c, 'key-2', order());
        const e = await refusal(
          services.paymentConsents.create(c, 'key-2', order({ amount: '11.00' })),
        );
        expect(e.code).toBe('CONFLICT');
        expect(e.details['reason']).toBe('idempotency_key_reused');
        expect((await services.paymentConsents.get(c, first.id)).amount).toBe('10.00');
        // Another operation under the same key is another input too.
        const e2 = await refusal(services.submissions.submit(c, 'key-2', first.id));
        expect(e2.details['reason']).toBe('idempotency_key_reused');
      });

      it('keys belong to one client app: another client may use the same key', async () => {
        const a = caller();
        const b = caller({ clientAppId: 'other-app' });
        const first = await services.paymentConsents.create(a, 'shared-key', order());
        const second = await services.paymentConsents.create(b, 'shared-key', order());
        expect(second.id).not.toBe(first.id);
      });

      it('concurrent requests with one key: one consent, one bank call, the rest CONFLICT', async () => {
        const c = caller();
        const before = fake.calls.createConsent;
        // Long enough that the others arrive while the first is still at the bank, even on a
        // loaded machine; one that arrives after it finished gets the same consent replayed.
        fake.delayMs = 400;
        try {
          const results = await Promise.allSettled(
            Array.from({ length: 5 }, () => services.paymentConsents.create(c, 'race-1', order())),
          );
          const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
          const refused = results.filter((r) => r.status === 'rejected');
          expect(ok.length).toBeGreaterThanOrEqual(1);
          expect(new Set(ok.map((consent) => consent.id)).size).toBe(1);
          expect(refused.length).toBeGreaterThanOrEqual(1);
          for (const r of refused) {
            expect((r.reason as AppError).code).toBe('CONFLICT');
            expect((r.reason as AppError).details['reason']).toBe('idempotency_key_in_use');
          }
        } finally {
          fake.delayMs = 0;
        }
        expect(fake.calls.createConsent - before).toBe(1);
        expect(await db.domesticPaymentConsent.count({ where: { psuId: c.psuId } })).toBe(1);
      });

      it('a key whose request failed before any effect may be retried; its input stays bound', async () => {
        const c = caller();
        fake.failNext = 'createConsent';
        const e = await refusal(services.paymentConsents.create(c, 'retry-1', order()));
        expect(e.code).toBe('UPSTREAM_UNAVAILABLE');
        const other = await refusal(
          services.paymentConsents.create(c, 'retry-1', order({ amount: '99.00' })),
        );
        expect(other.code).toBe('CONFLICT');
        const retried = await services.paymentConsents.create(c, 'retry-1', order());
        expect(retried.status).toBe('AwaitingAuthorisation');
      });

      it('after 24 hours a key is new again, and old keys are pruned', async () => {
        const c = caller();
        const first = await services.paymentConsents.create(c, 'day-old', order());
        clock.advance(24 * 60 * 60_000 + 1000);
        const next = await services.paymentConsents.create(
          c,
          'day-old',
          order({ amount: '12.00' }),
        );
        expect(next.id).not.toBe(first.id);
        clock.advance(24 * 60 * 60_000 + 1000);
        expect(await services.idempotency.prune()).toBeGreaterThan(0);
        expect(
          await db.idempotencyRecord.count({
            where: { createdAt: { lte: new Date(clock.time - 24 * 60 * 60_000) } },
          }),
        ).toBe(0);
      });
    });

    describe.skipIf(!available)('submission', () => {
      it('racing submissions of one consent under different keys make one payment', async () => {
        const c = caller();
        const consent = await readyConsent(c);
        const before = fake.calls.submit;
        fake.delayMs = 50;
        try {
          const results = await Promise.allSettled(
            ['a', 'b', 'c'].map((k) => services.submissions.submit(c, `sub-${k}`, consent.id)),
          );
          expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
          for (const r of results.filter((x) => x.status === 'rejected')) {
            expect((r.reason as AppError).code).toBe('CONFLICT');
          }
        } finally {
          fake.delayMs = 0;
        }
        expect(fake.calls.submit - before).toBe(1);
        expect(await db.domesticPayment.count({ where: { paymentConsentId: consent.id } })).toBe(1);
        const again = await refusal(services.submissions.submit(c, 'sub-d', consent.id));
        expect(again.details['paymentId']).toBeDefined();
      });

      it('sends the bank a key derived from the consent, the same on every retry', async () => {
        const c = caller();
        const consent = await readyConsent(c);
        fake.failNext = 'submit';
        await refusal(services.submissions.submit(c, 'sub-retry', consent.id));
        const payment = await services.submissions.submit(c, 'sub-retry', consent.id);
        const keys = fake.submitted.slice(-1).map((s) => s.context.idempotencyKey);
        expect(payment.status).toBe('Pending');
        expect(keys[0]).toHaveLength(40);
        const replay = await services.submissions.submit(c, 'sub-retry', consent.id);
        expect(replay.id).toBe(payment.id);
      });

      it('keeps the PSU’s bank token and the debtor account sealed, and drops the token once paid', async () => {
        const debtor = {
          scheme: 'SortCodeAccountNumber' as const,
          identification: '40400411112222',
        };
        const psu = caller();
        const c = { ...psu, accountIds: [await directory.add(psu.psuId, bank.id, debtor)] };
        const consent = await readyConsent(c, order({ debtorAccount: debtor }));
        const row = await db.domesticPaymentConsent.findUniqueOrThrow({
          where: { id: consent.id },
        });
        expect(row.bankSessionSealed).toBeTruthy();
        expect(row.bankSessionSealed).not.toContain('psu-token-for');
        expect(row.debtorSealed).not.toContain('40400411112222');
        // Under payments' own key, named by its id.
        expect(row.debtorSealed!.split('.')[1]).toBe(keyIdOf(paymentsKey));
        expect(row.bankSessionSealed!.split('.')[1]).toBe(keyIdOf(paymentsKey));
        await services.submissions.submit(c, 'sealed-1', consent.id);
        expect(fake.submitted.at(-1)!.order.debtor).toEqual(debtor);
        expect(fake.submitted.at(-1)!.context.session!.accessToken).toBe('psu-token-for-code-1');
        const after = await db.domesticPaymentConsent.findUniqueOrThrow({
          where: { id: consent.id },
        });
        expect(after.bankSessionSealed).toBeNull();
        expect(after.status).toBe('Consumed');
      });
    });

    describe.skipIf(!available)('one-time code step-up', () => {
      it('stores only an HMAC of the code', async () => {
        const c = caller();
        const consent = await services.paymentConsents.create(c, 'otp-1', order());
        const issued = await services.paymentConsents.challenge(c, consent.id);
        const row = await db.scaChallenge.findUniqueOrThrow({ where: { id: issued.id } });
        expect(issued.code).toMatch(/^\d{6}$/);
        expect(JSON.stringify(row)).not.toContain(issued.code);
      });

      it('counts wrong codes and stops after the allowed attempts, even for the right code', async () => {
        const c = caller();
        const consent = await services.paymentConsents.create(c, 'otp-2', order());
        const issued = await services.paymentConsents.challenge(c, consent.id);
        const wrong = issued.code === '000000' ? '111111' : '000000';
        const first = await refusal(services.paymentConsents.verifyChallenge(c, consent.id, wrong));
        expect(first.code).toBe('FORBIDDEN');
        expect(first.details['attemptsLeft']).toBe(2);
        await refusal(services.paymentConsents.verifyChallenge(c, consent.id, wrong));
        await refusal(services.paymentConsents.verifyChallenge(c, consent.id, wrong));
        const locked = await refusal(
          services.paymentConsents.verifyChallenge(c, consent.id, issued.code),
        );
        expect(locked.message).toMatch(/No attempts left/);
        expect((await services.paymentConsents.get(c, consent.id)).scaVerifiedAt).toBeNull();
      });

      it('parallel guesses cannot exceed the attempts', async () => {
        const c = caller();
        const consent = await services.paymentConsents.create(c, 'otp-3', order());
        const issued = await services.paymentConsents.challenge(c, consent.id);
        const wrong = issued.code === '000000' ? '111111' : '000000';
        await Promise.allSettled(
          Array.from({ length: 10 }, () =>
            services.paymentConsents.verifyChallenge(c, consent.id, wrong),
          ),
        );
        const row = await db.scaChallenge.findUniqueOrThrow({ where: { id: issued.id } });
        expect(row.attempts).toBeLessThanOrEqual(3);
      });

      it('expires', async () => {
        const c = caller();
        const consent = await services.paymentConsents.create(c, 'otp-4', order());
        const issued = await services.paymentConsents.challenge(c, consent.id);
        clock.advance(settings.sca.codeTtlSeconds * 1000 + 1);
        const e = await refusal(
          services.paymentConsents.verifyChallenge(c, consent.id, issued.code),
        );
        expect(e.message).toMatch(/expired/);
      });

      it('hands the code to the client only for sandbox banks', async () => {
        const c = caller();
        const sandboxConsent = await services.paymentConsents.create(c, 'otp-8', order());
        const real = await services.paymentConsents.create(
          c,
          'otp-9',
          order({ bankId: realBank.id }),
        );
        const forSandbox = await services.paymentConsents.challenge(c, sandboxConsent.id);
        const forReal = await services.paymentConsents.challenge(c, real.id);
        expect(toChallenge(forSandbox, forSandbox.sandbox).sandboxCode).toBe(forSandbox.code);
        expect(toChallenge(forReal, forReal.sandbox).sandboxCode).toBeNull();
      });

      it('limits the challenges per consent', async () => {
        const c = caller();
        const consent = await services.paymentConsents.create(c, 'otp-5', order());
        for (let i = 0; i < 5; i++) await services.paymentConsents.challenge(c, consent.id);
        const e = await refusal(services.paymentConsents.challenge(c, consent.id));
        expect(e.code).toBe('FORBIDDEN');
      });

      it('the right code satisfies SCA for that consent only', async () => {
        const c = caller();
        const consent = await services.paymentConsents.create(c, 'otp-6', order());
        const other = await services.paymentConsents.create(c, 'otp-7', order({ amount: '20.00' }));
        const issued = await services.paymentConsents.challenge(c, consent.id);
        await services.paymentConsents.verifyChallenge(c, consent.id, issued.code);
        const row = await services.paymentConsents.get(c, consent.id);
        expect((await services.paymentConsents.sca(c, row)).satisfied).toBe(true);
        const otherRow = await services.paymentConsents.get(c, other.id);
        expect(await services.paymentConsents.sca(c, otherRow)).toEqual({
          reasons: ['NewCreditor'],
          satisfied: false,
        });
      });
    });

    describe.skipIf(!available)('status refresh', () => {
      it('asks the bank only when the stored status is older than the freshness window', async () => {
        const c = caller();
        const consent = await readyConsent(c);
        const payment = await services.submissions.submit(c, 'status-1', consent.id);
        fake.statuses = ['AcceptedSettlementInProcess', 'AcceptedSettlementCompleted'];
        const before = fake.calls.status;
        expect((await services.payments.get(c, payment.id)).status).toBe('Pending');
        expect(fake.calls.status - before).toBe(0);
        clock.advance(31_000);
        const reads = await Promise.all([
          services.payments.get(c, payment.id),
          services.payments.get(c, payment.id),
        ]);
        expect(fake.calls.status - before).toBe(1);
        expect(reads.map((r) => r.status)).toContain('AcceptedSettlementInProcess');
        clock.advance(31_000);
        expect((await services.payments.get(c, payment.id)).status).toBe(
          'AcceptedSettlementCompleted',
        );
        clock.advance(31_000);
        await services.payments.get(c, payment.id);
        expect(fake.calls.status - before).toBe(2);
        const history = (await services.payments.histories([payment.id]))[0]!;
        expect(history.map((h) => h.toStatus)).toEqual([
          'Pending',
          'AcceptedSettlementInProcess',
          'AcceptedSettlementCompleted',
        ]);
      });

      it('serves the stored status when the bank cannot answer', async () => {
        const c = caller();
        const consent = await readyConsent(c);
        const payment = await services.submissions.submit(c, 'status-2', consent.id);
        clock.advance(31_000);
        fake.failNext = 'status';
        expect((await services.payments.get(c, payment.id)).status).toBe('Pending');
      });

      it('shows a payment only to its client app and PSU', async () => {
        const c = caller();
        const consent = await readyConsent(c);
        const payment = await services.submissions.submit(c, 'own-1', consent.id);
        const e = await refusal(services.payments.get(caller(), payment.id));
        expect(e.code).toBe('NOT_FOUND');
        const e2 = await refusal(services.submissions.submit(caller(), 'own-2', consent.id));
        expect(e2.code).toBe('NOT_FOUND');
      });
    });
  });
}
