import { expect } from 'vitest';
import type { SandboxBank } from '../../src/sandbox/index.ts';
import { expectNoErrors, type GraphQLResponse, type TestSystem } from '../support/system.ts';

/** Payment operations as a client app sends them. */
export const Q = {
  createConsent: `mutation($key: String!, $input: CreatePaymentConsentInput!) {
    createPaymentConsent(idempotencyKey: $key, input: $input) {
      id status bankId amount currency reference
      creditor { name scheme identification }
      authorisation { bankConsentId url }
      sca { required reasons satisfied }
      debtorAccount { id }
    }
  }`,
  authorise: `mutation($id: ID!, $code: String!) {
    authorisePaymentConsent(id: $id, authorisationCode: $code) { id status }
  }`,
  challenge: `mutation($id: ID!) {
    requestPaymentChallenge(paymentConsentId: $id) { id expiresAt attemptsAllowed sandboxCode }
  }`,
  verify: `mutation($id: ID!, $code: String!) {
    verifyPaymentChallenge(paymentConsentId: $id, code: $code) { id sca { required satisfied } }
  }`,
  submit: `mutation($key: String!, $id: ID!) {
    submitPayment(idempotencyKey: $key, paymentConsentId: $id) {
      id status bankStatus statusReason riskFlags authorisationUrl amount currency
    }
  }`,
  payment: `query($id: ID!) {
    payment(id: $id) {
      id status bankStatus statusReason
      statusHistory { fromStatus toStatus bankStatus }
    }
  }`,
};

export interface ConsentView {
  id: string;
  status: string;
  authorisation: { bankConsentId: string; url: string | null } | null;
  sca: { required: boolean; reasons: string[]; satisfied: boolean };
}

export interface PaymentView {
  id: string;
  status: string;
  bankStatus: string | null;
  statusReason: string | null;
  riskFlags: string[];
  authorisationUrl: string | null;
}

let counter = 0;
/** A fresh idempotency key (tests that race or replay pass their own). */
export const newKey = (label = 'k'): string => `${label}-${Date.now().toString(36)}-${++counter}`;

export function bank(t: TestSystem, id: string): SandboxBank {
  const handle = t.system.sandbox?.handles.find((h) => h.id === id);
  if (!handle) throw new Error(`no sandbox bank ${id}`);
  return handle;
}

/** The PSU logs in at the sandbox bank and approves; OBIE answers with an authorisation code. */
export async function approveAtBank(
  t: TestSystem,
  bankId: string,
  body: Record<string, unknown>,
): Promise<{ code?: string; status?: string; transactionStatus?: string }> {
  const res = await fetch(`${bank(t, bankId).url}/__sandbox/authorise`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ psu: 'alice', ...body }),
  });
  const json = (await res.json()) as { code?: string; status?: string; error?: string };
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json;
}

/** The IBANs a PSU holds at a sandbox bank (what a user would type into the app). */
export async function ibansAt(t: TestSystem, bankId: string, psu = 'alice'): Promise<string[]> {
  const res = await fetch(`${bank(t, bankId).url}/__sandbox/psus`);
  const list = (await res.json()) as { username: string; accounts: { iban: string }[] }[];
  return list.find((p) => p.username === psu)!.accounts.map((a) => a.iban);
}

/** ISO 13616 check digits, so tests can make valid IBANs (e.g. one ending in 0000). */
export function iban(country: string, bban: string): string {
  let remainder = 0;
  for (const char of `${bban}${country}00`) {
    const code = char.charCodeAt(0);
    const value = code >= 65 && code <= 90 ? String(code - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return `${country}${String(98 - remainder).padStart(2, '0')}${bban}`;
}

/** A token for alice (or another PSU) that may initiate and read payments. */
export async function payerToken(
  t: TestSystem,
  psu: [string, string] = ['alice', 'alice-sandbox'],
  permissions = ['ReadAccountsBasic', 'InitiatePayments', 'ReadPayments'],
) {
  return t.authorisedConsent({ permissions, psu });
}

export function gbpOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    bankId: 'sandbox-obie',
    amount: '12.50',
    currency: 'GBP',
    creditorName: 'Corner Bakery',
    creditorAccount: { scheme: 'SortCodeAccountNumber', identification: '20150012345678' },
    reference: 'Cakes',
    ...overrides,
  };
}

export function data<T>(res: GraphQLResponse<Record<string, T>>, field: string): T {
  expectNoErrors(res);
  return res.data![field]!;
}

export async function createConsent(
  t: TestSystem,
  token: string,
  input: Record<string, unknown>,
  key = newKey('consent'),
): Promise<ConsentView> {
  return data(
    await t.execute<Record<string, ConsentView>>(token, Q.createConsent, { key, input }),
    'createPaymentConsent',
  );
}

/** OBIE: the PSU approves at the bank, the app hands us the code it was redirected with. */
export async function authorise(
  t: TestSystem,
  token: string,
  consent: ConsentView,
  bankId: string,
) {
  const approved = await approveAtBank(t, bankId, {
    consentId: consent.authorisation!.bankConsentId,
  });
  return data(
    await t.execute<Record<string, { status: string }>>(token, Q.authorise, {
      id: consent.id,
      code: approved.code,
    }),
    'authorisePaymentConsent',
  );
}

/** Issues a one-time code and enters it (the sandbox hands the code back). */
export async function stepUp(t: TestSystem, token: string, consentId: string): Promise<void> {
  const challenge = data(
    await t.execute<Record<string, { sandboxCode: string }>>(token, Q.challenge, {
      id: consentId,
    }),
    'requestPaymentChallenge',
  );
  expectNoErrors(await t.execute(token, Q.verify, { id: consentId, code: challenge.sandboxCode }));
}

export function submit(t: TestSystem, token: string, consentId: string, key = newKey('pay')) {
  return t.execute<Record<string, PaymentView>>(token, Q.submit, { key, id: consentId });
}

/** Consent → PSU authorisation (OBIE) → step-up when needed → submission. */
export async function pay(
  t: TestSystem,
  token: string,
  input: Record<string, unknown> = gbpOrder(),
): Promise<PaymentView> {
  const bankId = String(input['bankId']);
  const consent = await createConsent(t, token, input);
  if (consent.authorisation) await authorise(t, token, consent, bankId);
  if (consent.sca.required) await stepUp(t, token, consent.id);
  return data(await submit(t, token, consent.id), 'submitPayment');
}
