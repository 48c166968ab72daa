import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Q,
  authorise,
  bank,
  createConsent,
  data,
  gbpOrder,
  iban,
  ibansAt,
  newKey,
  payerToken,
  stepUp,
  submit,
  type ConsentView,
  type PaymentView,
} from '../payments/support.ts';
import {
  errorCodes,
  startTestSystem,
  type GraphQLResponse,
  type TestSystem,
} from '../support/system.ts';

const v31 = '/open-banking/v3.1/pisp';
const timeoutMs = 500;

describe('bank failures during submission, through the gateway', () => {
  let t: TestSystem;
  let token: string;

  beforeAll(async () => {
    t = await startTestSystem({
      SANDBOX_TRANSACTIONS_PER_ACCOUNT: '5',
      PAYMENTS_BANK_TIMEOUT_MS: String(timeoutMs),
      PAYMENTS_VELOCITY_MAX_COUNT: '1000',
      PAYMENTS_ANOMALY_BURST_COUNT: '1000',
    });
    token = (await payerToken(t)).token;
  });
  afterAll(() => t.stop());

  const posts = (bankId: string, path: string) =>
    bank(t, bankId).callCount({ pathPrefix: path, method: 'POST' });

  /** A consent authorised by the PSU (OBIE) and stepped up: ready for submission. */
  async function ready(bankId: string, input = gbpOrder({ bankId })): Promise<ConsentView> {
    const consent = await createConsent(t, token, input);
    if (consent.authorisation) await authorise(t, token, consent, bankId);
    await stepUp(t, token, consent.id);
    return consent;
  }

  // One bank per test: each failure run counts against that bank endpoint's circuit breaker.
  describe('bank timeouts: the payment is neither lost nor duplicated', () => {
    it('a bank that hangs: UPSTREAM_UNAVAILABLE, nothing recorded; the retry with the same key pays once', async () => {
      const consent = await ready('sandbox-obie');
      const sandbox = bank(t, 'sandbox-obie');
      const before = posts('sandbox-obie', `${v31}/domestic-payments`);
      const key = newKey('hang');
      sandbox.setFaults({ hang: true });
      let failed: GraphQLResponse<Record<string, PaymentView>>;
      try {
        failed = await submit(t, token, consent.id, key);
      } finally {
        sandbox.resetFaults();
      }
      expect(errorCodes(failed)).toEqual(['UPSTREAM_UNAVAILABLE']);
      expect(failed.errors![0]!.extensions).toMatchObject({
        bankId: 'sandbox-obie',
        reason: 'timeout',
      });
      // The call carries an idempotency key, so the client tried 3 times.
      expect(posts('sandbox-obie', `${v31}/domestic-payments`) - before).toBe(3);
      const after = await t.execute<{ paymentConsent: { status: string; payment: unknown } }>(
        token,
        'query($id: ID!) { paymentConsent(id: $id) { status payment { id } } }',
        { id: consent.id },
      );
      expect(after.data!.paymentConsent).toEqual({ status: 'Authorised', payment: null });

      const paid = data(await submit(t, token, consent.id, key), 'submitPayment');
      expect(paid.status).toBe('Pending');
      expect(posts('sandbox-obie', `${v31}/domestic-payments`) - before).toBe(4);
      const calls = sandbox.callCount();
      const again = data(await submit(t, token, consent.id, key), 'submitPayment');
      expect(again.id).toBe(paid.id);
      expect(sandbox.callCount()).toBe(calls);
      const otherKey = await submit(t, token, consent.id);
      expect(errorCodes(otherKey)).toEqual(['CONFLICT']);
      expect(otherKey.errors![0]!.extensions).toMatchObject({ paymentId: paid.id });
    });

    it('a bank that pays but whose answer is lost: the retry gets the same bank payment back', async () => {
      const consent = await ready('sandbox-obie-v4', gbpOrder({ bankId: 'sandbox-obie-v4' }));
      const sandbox = bank(t, 'sandbox-obie-v4');
      const key = newKey('lost');
      // The bank processes each attempt after 1.5 s; we stop listening after 0.5 s.
      sandbox.setFaults({ latencyMs: 1500 });
      let failed: GraphQLResponse<Record<string, PaymentView>>;
      try {
        failed = await submit(t, token, consent.id, key);
        expect(errorCodes(failed)).toEqual(['UPSTREAM_UNAVAILABLE']);
        // Let the bank finish the attempts it is still working on.
        await new Promise((r) => setTimeout(r, 1500));
      } finally {
        sandbox.resetFaults();
      }
      // The bank consumed the consent with the first attempt. A second, different payment
      // would be refused; the same x-idempotency-key answers with the first one.
      const paid = data(await submit(t, token, consent.id, key), 'submitPayment');
      expect(paid).toMatchObject({ status: 'Pending', bankStatus: 'PDNG' });
      const read = await t.execute<{ payment: { status: string } }>(token, Q.payment, {
        id: paid.id,
      });
      expect(read.data!.payment.status).not.toBe('Rejected');
    });

    it('Berlin Group (no idempotency key in the standard): no retry inside the call, one payment after the retry', async () => {
      const [debtor] = await ibansAt(t, 'sandbox-bg');
      const consent = await ready(
        'sandbox-bg',
        gbpOrder({
          bankId: 'sandbox-bg',
          currency: 'EUR',
          creditorAccount: { scheme: 'IBAN', identification: iban('DE', '370400440532013000') },
          debtorAccount: { scheme: 'IBAN', identification: debtor },
        }),
      );
      const sandbox = bank(t, 'sandbox-bg');
      const before = posts('sandbox-bg', '/v1/payments');
      const key = newKey('bg');
      sandbox.setFaults({ hang: true });
      let failed: GraphQLResponse<Record<string, PaymentView>>;
      try {
        failed = await submit(t, token, consent.id, key);
      } finally {
        sandbox.resetFaults();
      }
      expect(errorCodes(failed)).toEqual(['UPSTREAM_UNAVAILABLE']);
      expect(posts('sandbox-bg', '/v1/payments') - before).toBe(1);
      const paid = data(await submit(t, token, consent.id, key), 'submitPayment');
      expect(paid.status).toBe('Pending');
      expect(data(await submit(t, token, consent.id, key), 'submitPayment').id).toBe(paid.id);
      expect(posts('sandbox-bg', '/v1/payments') - before).toBe(2);
    });
  });
});
