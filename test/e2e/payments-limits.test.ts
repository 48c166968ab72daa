import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Q,
  authorise,
  bank,
  createConsent,
  data,
  gbpOrder,
  pay,
  payerToken,
  stepUp,
  submit,
} from '../payments/support.ts';
import { errorCodes, startTestSystem, type TestSystem } from '../support/system.ts';

const payments = '/open-banking/v3.1/pisp/domestic-payments';
const creditor = (identification: string) => ({ scheme: 'SortCodeAccountNumber', identification });

describe('payment limits and anomaly holds through the gateway', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({
      SANDBOX_TRANSACTIONS_PER_ACCOUNT: '5',
      PAYMENTS_SCA_THRESHOLD: '100.00',
      PAYMENTS_MAX_AMOUNT_PER_CONSENT: '500.00',
      PAYMENTS_VELOCITY_MAX_COUNT: '3',
      PAYMENTS_VELOCITY_MAX_SUM: '1000.00',
      PAYMENTS_ANOMALY_AMOUNT_FACTOR: '10',
      PAYMENTS_ANOMALY_MIN_HISTORY: '2',
      PAYMENTS_ANOMALY_BURST_COUNT: '100',
      PAYMENTS_ANOMALY_NEW_CREDITOR_AMOUNT: '300.00',
    });
  });
  afterAll(() => t.stop());

  const posts = () => bank(t, 'sandbox-obie').callCount({ pathPrefix: payments, method: 'POST' });

  it('refuses a payment consent above the per-consent maximum, before the bank hears of it', async () => {
    const { token } = await payerToken(t);
    const calls = bank(t, 'sandbox-obie').callCount();
    const res = await t.execute(token, Q.createConsent, {
      key: 'too-much',
      input: gbpOrder({ amount: '500.01' }),
    });
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    expect(res.errors![0]!.extensions).toMatchObject({
      reason: 'limit_exceeded',
      limit: 'maxAmountPerConsent',
    });
    expect(bank(t, 'sandbox-obie').callCount()).toBe(calls);
  });

  it('limits how many payments a PSU makes per window: RATE_LIMITED with Retry-After seconds', async () => {
    const { token } = await payerToken(t, ['carol', 'carol-sandbox']);
    for (let i = 0; i < 3; i++) {
      await pay(
        t,
        token,
        gbpOrder({ amount: '5.00', creditorAccount: creditor('11111111111111') }),
      );
    }
    const consent = await createConsent(
      t,
      token,
      gbpOrder({ amount: '5.00', creditorAccount: creditor('11111111111111') }),
    );
    await authorise(t, token, consent, 'sandbox-obie');
    const before = posts();
    const res = await submit(t, token, consent.id);
    expect(errorCodes(res)).toEqual(['RATE_LIMITED']);
    expect(res.errors![0]!.extensions).toMatchObject({ limit: 'velocityCount' });
    expect(Number(res.errors![0]!.extensions!['retryAfterSeconds'])).toBeGreaterThan(0);
    expect(posts()).toBe(before);
  });

  it('holds a first payment to a new creditor with a high amount for review instead of sending it', async () => {
    const { token } = await payerToken(t, ['bob', 'bob-sandbox']);
    const consent = await createConsent(
      t,
      token,
      gbpOrder({ amount: '400.00', creditorAccount: creditor('22222222222222') }),
    );
    expect(consent.sca.reasons).toEqual(['AmountAboveThreshold', 'NewCreditor']);
    await authorise(t, token, consent, 'sandbox-obie');
    await stepUp(t, token, consent.id);
    const before = posts();
    const held = data(await submit(t, token, consent.id), 'submitPayment');
    expect(held).toMatchObject({
      status: 'HeldForReview',
      riskFlags: ['NewCreditorHighAmount'],
      bankStatus: null,
    });
    expect(posts()).toBe(before);
    // Not at the bank, so reading it asks the bank nothing.
    const reads = bank(t, 'sandbox-obie').callCount();
    const read = await t.execute<{ payment: { status: string } }>(token, Q.payment, {
      id: held.id,
    });
    expect(read.data!.payment.status).toBe('HeldForReview');
    expect(bank(t, 'sandbox-obie').callCount()).toBe(reads);
  });

  it('holds an amount far above the PSU’s usual payments', async () => {
    const { token } = await payerToken(t);
    const usual = creditor('33333333333333');
    await pay(t, token, gbpOrder({ amount: '10.00', creditorAccount: usual }));
    await pay(t, token, gbpOrder({ amount: '12.00', creditorAccount: usual }));
    const before = posts();
    const held = await pay(t, token, gbpOrder({ amount: '150.00', creditorAccount: usual }));
    expect(held).toMatchObject({ status: 'HeldForReview', riskFlags: ['AmountFarAboveHistory'] });
    expect(posts()).toBe(before);
  });
});
