/**
 * A Berlin Group payment authorised on the bank's own page, over real HTTP: submitPayment
 * with a returnUrl initiates it with our callback as TPP-Redirect-URI, the sandbox bank's
 * scaRedirect is its login and approval page, and the payments callback reads the payment's
 * status from the bank and sends the PSU on to the client's return URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bank,
  createConsent,
  data,
  gbpOrder,
  iban,
  ibansAt,
  newKey,
  payerToken,
  Q,
  stepUp,
} from '../payments/support.ts';
import { followToCallback, loginAtBank } from '../support/bank-login.ts';
import { errorCodes, type TestSystem, startTestSystem } from '../support/system.ts';

const returnUrl = 'http://app.test/paid';
const creditor = { scheme: 'IBAN', identification: iban('DE', '370400440532013000') };

let t: TestSystem;
let payer: { token: string };

beforeAll(async () => {
  t = await startTestSystem({ CONNECTION_RETURN_ORIGINS: 'http://app.test' });
  payer = await payerToken(t);
});
afterAll(() => t?.stop());

interface Submitted {
  id: string;
  status: string;
  bankStatus: string;
  authorisationUrl: string;
}

const submitWithReturn = `mutation($key: String!, $id: ID!, $r: String) {
  submitPayment(idempotencyKey: $key, paymentConsentId: $id, returnUrl: $r) {
    id status bankStatus authorisationUrl
  }
}`;

async function sepaConsent(bankId = 'sandbox-bg') {
  const [debtorIban] = await ibansAt(t, 'sandbox-bg');
  const order =
    bankId === 'sandbox-bg'
      ? gbpOrder({
          bankId,
          currency: 'EUR',
          amount: '20.00',
          creditorAccount: creditor,
          debtorAccount: { scheme: 'IBAN', identification: debtorIban },
        })
      : gbpOrder({ amount: '3.00' });
  const consent = await createConsent(t, payer.token, order);
  await stepUp(t, payer.token, consent.id);
  return consent;
}

async function initiated(): Promise<{ consentId: string; payment: Submitted }> {
  const consent = await sepaConsent();
  const res = await t.execute<Record<string, Submitted>>(payer.token, submitWithReturn, {
    key: newKey(),
    id: consent.id,
    r: returnUrl,
  });
  return { consentId: consent.id, payment: data(res, 'submitPayment') };
}

async function read(id: string) {
  return data(
    await t.execute<
      Record<
        string,
        {
          status: string;
          bankStatus: string;
          statusHistory: { toStatus: string; bankStatus: string }[];
        }
      >
    >(payer.token, Q.payment, { id }),
    'payment',
  );
}

describe('Berlin Group payments on the bank’s own page', () => {
  it('approved at the bank: back through our callback to the client with the payment’s new status', async () => {
    const { consentId, payment } = await initiated();
    expect(payment).toMatchObject({ status: 'Pending', bankStatus: 'RCVD' });
    const page = new URL(payment.authorisationUrl);
    expect(page.origin).toBe(bank(t, 'sandbox-bg').url);
    expect(page.pathname).toMatch(/^\/login\//);

    const back = await loginAtBank(t, 'sandbox-bg', page.href, { username: 'alice' });
    const callback = new URL(back);
    // Through the gateway: one public address for every page the PSU sees.
    expect(callback.origin + callback.pathname).toBe(`${t.url}/payment-consents/callback`);
    const state = callback.searchParams.get('state')!;
    expect(state.startsWith(`${consentId}.`)).toBe(true);

    // Another secret for the same consent is refused and does not spend the real one.
    const forged = new URL(back);
    forged.searchParams.set('state', `${consentId}.${'A'.repeat(43)}`);
    expect((await followToCallback(forged.href)).body).toMatchObject({
      error: { code: 'BAD_USER_INPUT', reason: 'state_invalid' },
    });

    const answer = await followToCallback(back);
    expect(answer.status).toBe(303);
    expect(answer.location!.origin + answer.location!.pathname).toBe(returnUrl);
    expect(Object.fromEntries(answer.location!.searchParams)).toEqual({
      paymentConsentId: consentId,
      paymentId: payment.id,
      status: 'Pending',
    });
    // The callback read the status from the bank and recorded it like any refresh.
    const after = await read(payment.id);
    expect(after.statusHistory.map((h) => `${h.toStatus}/${h.bankStatus}`)).toEqual([
      'Pending/RCVD',
      'Pending/ACTC',
    ]);
    expect((await followToCallback(back)).body).toMatchObject({
      error: { code: 'CONFLICT', reason: 'state_used' },
    });
  });

  it('denied at the bank: the payment is Rejected and the client is told access_denied', async () => {
    const { consentId, payment } = await initiated();
    const back = await loginAtBank(t, 'sandbox-bg', payment.authorisationUrl, {
      username: 'alice',
      decision: 'deny',
    });
    const answer = await followToCallback(back);
    expect(answer.status).toBe(303);
    expect(Object.fromEntries(answer.location!.searchParams)).toEqual({
      paymentConsentId: consentId,
      paymentId: payment.id,
      status: 'Rejected',
      error: 'access_denied',
    });
    expect(await read(payment.id)).toMatchObject({ status: 'Rejected', bankStatus: 'RJCT' });
  });

  it('a return URL off the allow-list, or on an OBIE payment, is refused before the bank is called', async () => {
    const consent = await sepaConsent();
    const calls = bank(t, 'sandbox-bg').callCount();
    const offList = await t.execute(payer.token, submitWithReturn, {
      key: newKey(),
      id: consent.id,
      r: 'https://evil.example/paid',
    });
    expect(errorCodes(offList)).toEqual(['BAD_USER_INPUT']);
    expect(bank(t, 'sandbox-bg').callCount()).toBe(calls);

    const obie = await sepaConsent('sandbox-obie');
    const wrongStandard = await t.execute(payer.token, submitWithReturn, {
      key: newKey(),
      id: obie.id,
      r: returnUrl,
    });
    expect(errorCodes(wrongStandard)).toEqual(['BAD_USER_INPUT']);
    expect(wrongStandard.errors![0]!.extensions!.reason).toBe('not_berlin_group');
  });

  it('without a return URL the bank keeps its own link (the sandbox’s admin shortcut)', async () => {
    const consent = await sepaConsent();
    const res = await t.execute<Record<string, Submitted>>(payer.token, submitWithReturn, {
      key: newKey(),
      id: consent.id,
    });
    expect(data(res, 'submitPayment').authorisationUrl).toBe(
      `${bank(t, 'sandbox-bg').url}/__sandbox/authorise`,
    );
  });
});
