import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Q,
  authorise,
  bank,
  createConsent,
  gbpOrder,
  newKey,
  payerToken,
  stepUp,
  submit,
  type ConsentView,
} from '../payments/support.ts';
import {
  errorCodes,
  startTestSystem,
  type GraphQLResponse,
  type TestSystem,
} from '../support/system.ts';

const v31 = '/open-banking/v3.1/pisp';

describe('idempotency keys through the gateway', () => {
  let t: TestSystem;
  let token: string;

  beforeAll(async () => {
    t = await startTestSystem({
      SANDBOX_TRANSACTIONS_PER_ACCOUNT: '5',
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

  const outcome = (res: GraphQLResponse<Record<string, { id: string }>>, field: string) =>
    res.errors?.length
      ? `${String(res.errors[0]!.extensions?.code)}:${String(res.errors[0]!.extensions?.reason)}`
      : `ok:${res.data![field]!.id}`;

  describe('racing requests with one idempotency key', () => {
    it('createPaymentConsent ×5 at once: one consent, one bank call; the rest CONFLICT or the same consent', async () => {
      const before = posts('sandbox-obie', `${v31}/domestic-payment-consents`);
      const key = newKey('race-consent');
      const input = gbpOrder({ amount: '33.00' });
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          t.execute<Record<string, { id: string }>>(token, Q.createConsent, { key, input }),
        ),
      );
      const outcomes = results.map((r) => outcome(r, 'createPaymentConsent'));
      const ids = new Set(outcomes.filter((o) => o.startsWith('ok:')));
      expect(ids.size, outcomes.join()).toBe(1);
      for (const o of outcomes.filter((x) => !x.startsWith('ok:'))) {
        expect(o).toBe('CONFLICT:idempotency_key_in_use');
      }
      expect(posts('sandbox-obie', `${v31}/domestic-payment-consents`) - before).toBe(1);

      // Done: the same request answers with the same consent and no bank call at all.
      const calls = bank(t, 'sandbox-obie').callCount();
      const replay = await t.execute<Record<string, { id: string }>>(token, Q.createConsent, {
        key,
        input,
      });
      expect(`ok:${replay.data!.createPaymentConsent!.id}`).toBe([...ids][0]);
      expect(bank(t, 'sandbox-obie').callCount()).toBe(calls);
    });

    it('same key with a different input: CONFLICT, the first consent untouched, no bank call', async () => {
      const key = newKey('reuse');
      const first = await createConsent(t, token, gbpOrder({ amount: '40.00' }), key);
      const calls = bank(t, 'sandbox-obie').callCount();
      const res = await t.execute(token, Q.createConsent, {
        key,
        input: gbpOrder({ amount: '41.00' }),
      });
      expect(errorCodes(res)).toEqual(['CONFLICT']);
      expect(res.errors![0]!.extensions).toMatchObject({ reason: 'idempotency_key_reused' });
      expect(bank(t, 'sandbox-obie').callCount()).toBe(calls);
      const unchanged = await t.execute<{ paymentConsent: { amount: string; status: string } }>(
        token,
        'query($id: ID!) { paymentConsent(id: $id) { amount status } }',
        { id: first.id },
      );
      expect(unchanged.data!.paymentConsent).toEqual({
        amount: '40.00',
        status: 'AwaitingAuthorisation',
      });
    });

    it('submitPayment ×5 at once with one key: one payment, one bank call', async () => {
      const consent = await ready('sandbox-obie');
      const before = posts('sandbox-obie', `${v31}/domestic-payments`);
      const key = newKey('race-pay');
      const results = await Promise.all(
        Array.from({ length: 5 }, () => submit(t, token, consent.id, key)),
      );
      const outcomes = results.map((r) => outcome(r, 'submitPayment'));
      expect(new Set(outcomes.filter((o) => o.startsWith('ok:'))).size, outcomes.join()).toBe(1);
      for (const o of outcomes.filter((x) => !x.startsWith('ok:'))) {
        expect(o).toBe('CONFLICT:idempotency_key_in_use');
      }
      expect(posts('sandbox-obie', `${v31}/domestic-payments`) - before).toBe(1);
      const calls = bank(t, 'sandbox-obie').callCount();
      const replay = await submit(t, token, consent.id, key);
      expect(`ok:${replay.data!.submitPayment!.id}`).toBe(
        outcomes.find((o) => o.startsWith('ok:')),
      );
      expect(bank(t, 'sandbox-obie').callCount()).toBe(calls);
    });

    it('one consent submitted at once under different keys: one payment, the rest CONFLICT', async () => {
      const consent = await ready('sandbox-obie');
      const before = posts('sandbox-obie', `${v31}/domestic-payments`);
      const results = await Promise.all(
        ['x', 'y', 'z'].map((k) => submit(t, token, consent.id, newKey(k))),
      );
      const outcomes = results.map((r) => outcome(r, 'submitPayment'));
      expect(
        outcomes.filter((o) => o.startsWith('ok:')),
        outcomes.join(),
      ).toHaveLength(1);
      expect(outcomes.filter((o) => o.startsWith('CONFLICT:'))).toHaveLength(2);
      expect(posts('sandbox-obie', `${v31}/domestic-payments`) - before).toBe(1);
    });
  });
});
