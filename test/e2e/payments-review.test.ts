import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Q,
  authorise,
  approveAtBank,
  bank,
  createConsent,
  data,
  gbpOrder,
  ibansAt,
  iban,
  newKey,
  payerToken,
  stepUp,
  submit,
} from '../payments/support.ts';
import { errorCodes, expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';

const queue = `query($first: Int!, $after: String) {
  heldPayments(first: $first, after: $after) {
    items {
      clientAppId psuId heldReason heldAt
      payment { id amount currency creditor { name identification } riskFlags status }
    }
    nextCursor
  }
}`;
const approve = `mutation($id: ID!) { approveHeldPayment(paymentId: $id) { id status bankPaymentId } }`;
const reject = `mutation($id: ID!, $r: String!) {
  rejectHeldPayment(paymentId: $id, reason: $r) { id status statusReason }
}`;
const history = `query($id: ID!) {
  payment(id: $id) { status statusHistory { fromStatus toStatus reason } }
}`;

interface Held {
  clientAppId: string;
  psuId: string;
  heldReason: string | null;
  payment: { id: string; amount: string; riskFlags: string[] };
}

describe('held payment review through the gateway', () => {
  let t: TestSystem;
  let reviewer: string;
  let payer: string;
  let newCreditor = 40000000000000;
  beforeAll(async () => {
    t = await startTestSystem({
      EVENT_POLL_INTERVAL_MS: '50',
      PAYMENTS_SCA_THRESHOLD: '100.00',
      PAYMENTS_ANOMALY_BURST_COUNT: '100',
      PAYMENTS_ANOMALY_NEW_CREDITOR_AMOUNT: '300.00',
    });
    reviewer = await t.tokens.client('payments-review', 'payments-review-secret');
    payer = (await payerToken(t, ['bob', 'bob-sandbox'])).token;
  });
  afterAll(() => t.stop());

  /** A first payment of 400.00 to a new creditor: SCA done, then held by the risk rules. */
  async function held(): Promise<string> {
    const order = gbpOrder({
      amount: '400.00',
      creditorAccount: { scheme: 'SortCodeAccountNumber', identification: String(++newCreditor) },
    });
    const consent = await createConsent(t, payer, order);
    await authorise(t, payer, consent, 'sandbox-obie');
    await stepUp(t, payer, consent.id);
    const payment = data(await submit(t, payer, consent.id), 'submitPayment');
    expect(payment.status).toBe('HeldForReview');
    return payment.id;
  }

  const posts = () =>
    bank(t, 'sandbox-obie').callCount({
      pathPrefix: '/open-banking/v3.1/pisp/domestic-payments',
      method: 'POST',
    });

  it('refuses the queue and the decisions without payments:review (FORBIDDEN)', async () => {
    const id = await held();
    const client = await t.tokens.client('demo-pfm', 'demo-pfm-secret');
    for (const token of [payer, client]) {
      const q = await t.execute(token, queue, { first: 5 });
      expect(q.data).toEqual({ heldPayments: null });
      expect(errorCodes(q)).toEqual(['FORBIDDEN']);
      expect(errorCodes(await t.execute(token, approve, { id }))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await t.execute(token, reject, { id, r: 'x' }))).toEqual(['FORBIDDEN']);
    }
    const read = await t.execute<{ payment: { status: string } }>(payer, Q.payment, { id });
    expect(read.data!.payment.status).toBe('HeldForReview');
  });

  it('lists held payments oldest first with what a reviewer needs', async () => {
    const first = await held();
    const second = await held();
    const res = await t.execute<{ heldPayments: { items: Held[]; nextCursor: string | null } }>(
      reviewer,
      queue,
      { first: 100 },
    );
    expectNoErrors(res);
    const items = res.data!.heldPayments.items;
    const ids = items.map((i) => i.payment.id);
    expect(ids.indexOf(first)).toBeLessThan(ids.indexOf(second));
    expect(items.find((i) => i.payment.id === first)).toMatchObject({
      clientAppId: 'demo-pfm',
      psuId: expect.any(String),
      heldReason: 'NewCreditorHighAmount',
      payment: { amount: '400.00', riskFlags: ['NewCreditorHighAmount'] },
    });
    const paged = await t.execute<{ heldPayments: { items: Held[]; nextCursor: string } }>(
      reviewer,
      queue,
      { first: 1 },
    );
    expect(paged.data!.heldPayments.items).toHaveLength(1);
    const next = await t.execute<{ heldPayments: { items: Held[] } }>(reviewer, queue, {
      first: 1,
      after: paged.data!.heldPayments.nextCursor,
    });
    expect(next.data!.heldPayments.items[0]!.payment.id).toBe(ids[1]);
  });

  it('approval sends the payment; the PSU’s app sees the status, its history and an event', async () => {
    const id = await held();
    const before = posts();
    const res = await t.execute<{ approveHeldPayment: { status: string } }>(reviewer, approve, {
      id,
    });
    const status = data(res, 'approveHeldPayment').status;
    expect(status).not.toBe('HeldForReview');
    expect(posts()).toBe(before + 1);
    const read = await t.execute<{
      payment: { statusHistory: { fromStatus: string | null; reason: string | null }[] };
    }>(payer, history, { id });
    expectNoErrors(read);
    expect(read.data!.payment.statusHistory[1]).toMatchObject({
      fromStatus: 'HeldForReview',
      reason: expect.stringMatching(/^Approved on review/),
    });
    const again = await t.execute(reviewer, approve, { id });
    expect(errorCodes(again)).toEqual(['CONFLICT']);
    await expectEvent(id, status);
  });

  it('rejection with a reason: never sent, the reason reaches the PSU’s app, the call is audited', async () => {
    const id = await held();
    const empty = await t.execute(reviewer, reject, { id, r: '' });
    expect(errorCodes(empty)).toEqual(['BAD_USER_INPUT']);
    const before = posts();
    const requestId = `review-${Date.now()}`;
    const res = await t.execute<{ rejectHeldPayment: { status: string } }>(
      reviewer,
      reject,
      { id, r: 'Creditor on a mule list' },
      { 'x-fapi-interaction-id': requestId },
    );
    expect(data(res, 'rejectHeldPayment').status).toBe('Rejected');
    expect(posts()).toBe(before);
    const read = await t.execute<{ payment: { status: string; statusHistory: unknown[] } }>(
      payer,
      history,
      { id },
    );
    expect(read.data!.payment).toMatchObject({
      status: 'Rejected',
      statusHistory: [
        {},
        { toStatus: 'Rejected', reason: 'Rejected on review: Creditor on a mule list' },
      ],
    });
    const audited = await t.system.audit.db.auditBatch.findMany({ where: { requestId } });
    expect(audited.map((b) => b.service)).toContain('payments');
    await expectEvent(id, 'Rejected');
  });

  it('approving a Berlin Group payment hands the PSU the bank’s own SCA, as a submission would', async () => {
    const alice = (await payerToken(t)).token;
    const [debtor] = await ibansAt(t, 'sandbox-bg');
    const consent = await createConsent(
      t,
      alice,
      gbpOrder({
        bankId: 'sandbox-bg',
        currency: 'EUR',
        amount: '400.00',
        creditorAccount: { scheme: 'IBAN', identification: iban('DE', '370400440532013000') },
        debtorAccount: { scheme: 'IBAN', identification: debtor },
      }),
    );
    await stepUp(t, alice, consent.id);
    const held = data(await submit(t, alice, consent.id, newKey('bg')), 'submitPayment');
    expect(held).toMatchObject({ status: 'HeldForReview', authorisationUrl: null });
    const res = await t.execute<{
      approveHeldPayment: { status: string; bankPaymentId: string; authorisationUrl: string };
    }>(
      reviewer,
      `mutation($id: ID!) { approveHeldPayment(paymentId: $id) { status bankPaymentId authorisationUrl } }`,
      { id: held.id },
    );
    const approved = data(res, 'approveHeldPayment');
    expect(approved.status).toBe('Pending');
    expect(approved.authorisationUrl).toBe(`${bank(t, 'sandbox-bg').url}/__sandbox/authorise`);
    await approveAtBank(t, 'sandbox-bg', { paymentId: approved.bankPaymentId });
  });

  /** The client app's event feed carries the decision (outbox → consent service). */
  async function expectEvent(paymentId: string, status: string): Promise<void> {
    const client = await t.tokens.client('demo-pfm', 'demo-pfm-secret');
    const deadline = Date.now() + 10_000;
    for (;;) {
      const res = await t.execute<{ events: { type: string; data: string }[] }>(
        client,
        '{ events(first: 500) { type data } }',
      );
      expectNoErrors(res);
      const found = res.data!.events.some((e) => {
        const d = JSON.parse(e.data) as Record<string, unknown>;
        return (
          e.type === 'PAYMENT_STATUS_CHANGED' &&
          d['paymentId'] === paymentId &&
          d['status'] === status
        );
      });
      if (found) return;
      if (Date.now() > deadline) throw new Error(`no PAYMENT_STATUS_CHANGED ${status} event`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});
