import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentStatus } from '../../src/subgraphs/payments/connectors/status.ts';
import { paymentAmounts, paymentsInitiated } from '../../src/shared/metrics/index.ts';
import { gbpOrder, pay, payerToken } from '../payments/support.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * What the payment-volume alert in docs/DEPLOYMENT.md reads: each initiated payment counted
 * by currency and first status, and its amount added, on the payments service's /metrics.
 */
describe('payment volume metrics', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startTestSystem();
  }, 120_000);
  afterAll(() => t?.stop());

  const total = async (counter: typeof paymentsInitiated | typeof paymentAmounts) => {
    const values = await Promise.all(
      Object.values(PaymentStatus).map((status) => counter.get({ currency: 'GBP', status })),
    );
    return values.reduce((sum, v) => sum + v, 0);
  };

  it('counts a payment and its amount per currency, served at /metrics', async () => {
    const { token } = await payerToken(t);
    const [count, amount] = [await total(paymentsInitiated), await total(paymentAmounts)];
    const payment = await pay(t, token, gbpOrder({ amount: '12.50' }));
    expect(await total(paymentsInitiated)).toBe(count + 1);
    expect(await total(paymentAmounts)).toBeCloseTo(amount + 12.5, 5);
    const base = t.system.subgraphUrls.payments.replace(/\/graphql$/, '');
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain(
      `ledgergraph_payments_initiated_total{currency="GBP",status="${payment.status}"}`,
    );
    expect(text).toMatch(
      /^ledgergraph_payment_amount_total\{currency="GBP",status="[A-Za-z]+"\} [\d.]+$/m,
    );
  });
});
