import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIban } from '../../src/sandbox/data/identifiers.js';
import type { SandboxBank } from '../../src/sandbox/index.js';
import {
  authorise,
  bgHeaders,
  clientToken,
  http,
  postForm,
  postJson,
  psuAccounts,
  startBank,
  type PsuAccount,
  type TokenResponse,
} from './helpers.js';

interface ErrorBody {
  Errors: Array<{ ErrorCode: string; Path?: string }>;
}
interface ConsentBody {
  Data: { ConsentId: string; Status: string };
}
interface PaymentBody {
  Data: { DomesticPaymentId: string; ConsentId: string; Status: string };
}

const statuses = {
  '3.1.11': {
    awaiting: 'AwaitingAuthorisation',
    authorised: 'Authorised',
    consumed: 'Consumed',
    rejected: 'Rejected',
    path: [
      'Pending',
      'AcceptedSettlementInProcess',
      'AcceptedSettlementCompleted',
      'AcceptedSettlementCompleted',
    ],
    rejectedPath: ['Pending', 'Rejected', 'Rejected'],
    conflict: 'UK.OBIE.Field.Invalid',
    missing: 'UK.OBIE.Header.Missing',
    invalidHeader: 'UK.OBIE.Header.Invalid',
    mismatch: 'UK.OBIE.Resource.ConsentMismatch',
    consentStatus: 'UK.OBIE.Resource.InvalidConsentStatus',
  },
  '4.0': {
    awaiting: 'AWAU',
    authorised: 'AUTH',
    consumed: 'COND',
    rejected: 'RJCT',
    path: ['PDNG', 'ACSP', 'ACSC', 'ACSC'],
    rejectedPath: ['PDNG', 'RJCT', 'RJCT'],
    conflict: 'U029',
    missing: 'U007',
    invalidHeader: 'U006',
    mismatch: 'U008',
    consentStatus: 'U009',
  },
} as const;

describe.each(['3.1.11', '4.0'] as const)('OBIE %s domestic payments', (version) => {
  const expected = statuses[version];
  let bank: SandboxBank;
  let pisBase: string;
  let token: string;
  let debtor: PsuAccount;
  let keyCounter = 0;

  const key = (): string => `key-${version}-${++keyCounter}`;
  const initiation = (
    creditorAccountNumber = '12345678',
    reference = 'E2E-1',
  ): Record<string, unknown> => ({
    InstructionIdentification: 'INSTR-1',
    EndToEndIdentification: reference,
    InstructedAmount: { Amount: '42.10', Currency: 'GBP' },
    DebtorAccount: {
      SchemeName: 'UK.OBIE.SortCodeAccountNumber',
      Identification: `${debtor.sortCode}${debtor.accountNumber}`,
    },
    CreditorAccount: {
      SchemeName: 'UK.OBIE.SortCodeAccountNumber',
      Identification: `201500${creditorAccountNumber}`,
      Name: 'Bob Creditor',
    },
  });

  async function createConsent(
    body: Record<string, unknown>,
    idempotencyKey = key(),
  ): Promise<{ status: number; body: ConsentBody & ErrorBody }> {
    return postJson(
      `${pisBase}/domestic-payment-consents`,
      { Data: { Initiation: body }, Risk: {} },
      {
        authorization: `Bearer ${token}`,
        'x-idempotency-key': idempotencyKey,
      },
    );
  }

  async function authorisedConsent(
    body: Record<string, unknown>,
  ): Promise<{ consentId: string; psuToken: string }> {
    const consent = await createConsent(body);
    const approved = await authorise(bank, {
      consentId: consent.body.Data.ConsentId,
      psu: 'alice',
    });
    expect(approved.body.status).toBe(expected.authorised);
    const tokens = await postForm<TokenResponse>(`${bank.url}/oauth/token`, {
      grant_type: 'authorization_code',
      code: approved.body.code ?? '',
    });
    return { consentId: consent.body.Data.ConsentId, psuToken: tokens.body.access_token };
  }

  function pay(
    consentId: string,
    psuToken: string,
    body: Record<string, unknown>,
    idempotencyKey = key(),
  ): Promise<{ status: number; body: PaymentBody & ErrorBody }> {
    return postJson(
      `${pisBase}/domestic-payments`,
      { Data: { ConsentId: consentId, Initiation: body }, Risk: {} },
      {
        authorization: `Bearer ${psuToken}`,
        'x-idempotency-key': idempotencyKey,
      },
    );
  }

  async function walk(paymentId: string, steps: number): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < steps; i++) {
      const res = await http<PaymentBody>(`${pisBase}/domestic-payments/${paymentId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      seen.push(res.body.Data.Status);
    }
    return seen;
  }

  beforeAll(async () => {
    bank = await startBank({ standard: 'obie', obieVersion: version, transactionsPerAccount: 10 });
    pisBase = `${bank.url}/open-banking/${version === '4.0' ? 'v4.0' : 'v3.1'}/pisp`;
    token = await clientToken(bank, 'payments');
    debtor = (await psuAccounts(bank, 'alice'))[0] as PsuAccount;
  });
  afterAll(() => bank.close());

  it('requires an idempotency key of at most 40 characters', async () => {
    const missing = await postJson<ErrorBody>(
      `${pisBase}/domestic-payment-consents`,
      { Data: { Initiation: initiation() }, Risk: {} },
      {
        authorization: `Bearer ${token}`,
      },
    );
    expect(missing.status).toBe(400);
    expect(missing.body.Errors[0]?.ErrorCode).toBe(expected.missing);
    const long = await createConsent(initiation(), 'k'.repeat(41));
    expect(long.status).toBe(400);
    expect(long.body.Errors[0]?.ErrorCode).toBe(expected.invalidHeader);
  });

  it('same key and body → the same consent; same key, other body → 400', async () => {
    const idempotencyKey = key();
    const first = await createConsent(initiation(), idempotencyKey);
    const again = await createConsent(initiation(), idempotencyKey);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const other = await createConsent(initiation('87654321'), idempotencyKey);
    expect(other.status).toBe(400);
    expect(other.body.Errors[0]?.ErrorCode).toBe(expected.conflict);
    expect(other.body.Errors[0]?.Path).toBe('x-idempotency-key');
  });

  it('consent → PSU authorises → payment → status walks to settled; consent is consumed', async () => {
    const consent = await createConsent(initiation());
    expect(consent.body.Data.Status).toBe(expected.awaiting);
    const { consentId, psuToken } = await authorisedConsent(initiation());
    const payment = await pay(consentId, psuToken, initiation());
    expect(payment.status).toBe(201);
    expect(payment.body.Data.Status).toBe(expected.path[0]);
    expect(await walk(payment.body.Data.DomesticPaymentId, 3)).toEqual(expected.path.slice(1));
    const read = await http<ConsentBody>(`${pisBase}/domestic-payment-consents/${consentId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(read.body.Data.Status).toBe(expected.consumed);
  });

  it('a creditor account ending in 0000 is rejected', async () => {
    const { consentId, psuToken } = await authorisedConsent(initiation('12340000'));
    const payment = await pay(consentId, psuToken, initiation('12340000'));
    expect(payment.body.Data.Status).toBe(expected.rejectedPath[0]);
    expect(await walk(payment.body.Data.DomesticPaymentId, 2)).toEqual(
      expected.rejectedPath.slice(1),
    );
  });

  it('payment retries with the same key return the first payment and pay once', async () => {
    const { consentId, psuToken } = await authorisedConsent(initiation());
    const idempotencyKey = key();
    bank.setFaults({ failNext: [{ status: 500 }] });
    const failed = await pay(consentId, psuToken, initiation(), idempotencyKey);
    expect(failed.status).toBe(500);
    const first = await pay(consentId, psuToken, initiation(), idempotencyKey);
    const retry = await pay(consentId, psuToken, initiation(), idempotencyKey);
    expect(first.status).toBe(201);
    expect(retry.body.Data.DomesticPaymentId).toBe(first.body.Data.DomesticPaymentId);
    const second = await pay(consentId, psuToken, initiation());
    expect(second.status).toBe(400);
    expect(second.body.Errors[0]?.ErrorCode).toBe(expected.consentStatus);
  });

  it('refuses a payment that differs from its consent, or a token without a PSU', async () => {
    const { consentId, psuToken } = await authorisedConsent(initiation());
    const changed = await pay(consentId, psuToken, {
      ...initiation(),
      InstructedAmount: { Amount: '9999.00', Currency: 'GBP' },
    });
    expect(changed.status).toBe(400);
    expect(changed.body.Errors[0]?.ErrorCode).toBe(expected.mismatch);
    const clientOnly = await pay(consentId, token, initiation());
    expect(clientOnly.status).toBe(403);
    const accountsToken = await clientToken(bank, 'accounts');
    const wrongScope = await postJson(
      `${pisBase}/domestic-payment-consents`,
      { Data: { Initiation: initiation() }, Risk: {} },
      {
        authorization: `Bearer ${accountsToken}`,
        'x-idempotency-key': key(),
      },
    );
    expect(wrongScope.status).toBe(403);
  });

  it("the PSU can reject, and cannot pay from someone else's account", async () => {
    const consent = await createConsent(initiation());
    const stranger = await authorise(bank, { consentId: consent.body.Data.ConsentId, psu: 'bob' });
    expect(stranger.status).toBe(400);
    const rejected = await authorise(bank, {
      consentId: consent.body.Data.ConsentId,
      psu: 'alice',
      decision: 'reject',
    });
    expect(rejected.body.status).toBe(expected.rejected);
  });
});

describe('Berlin Group SEPA credit transfers', () => {
  let bank: SandboxBank;
  let debtorIban: string;

  beforeAll(async () => {
    bank = await startBank({ standard: 'berlin-group', transactionsPerAccount: 10 });
    debtorIban = (await psuAccounts(bank, 'alice'))[0]?.iban ?? '';
  });
  afterAll(() => bank.close());

  const transfer = (creditorIban = 'DE89370400440532013000'): Record<string, unknown> => ({
    debtorAccount: { iban: debtorIban },
    instructedAmount: { currency: 'EUR', amount: '99.99' },
    creditorAccount: { iban: creditorIban },
    creditorName: 'Erika Mustermann',
  });

  async function initiate(body: Record<string, unknown>): Promise<string> {
    const res = await postJson<{ paymentId: string; transactionStatus: string }>(
      `${bank.url}/v1/payments/sepa-credit-transfers`,
      body,
      bgHeaders({ 'PSU-ID': 'alice', 'PSU-IP-Address': '192.0.2.1' }),
    );
    expect(res.status).toBe(201);
    expect(res.body.transactionStatus).toBe('RCVD');
    return res.body.paymentId;
  }

  async function status(paymentId: string): Promise<string> {
    const res = await http<{ transactionStatus: string }>(
      `${bank.url}/v1/payments/sepa-credit-transfers/${paymentId}/status`,
      { headers: bgHeaders() },
    );
    return res.body.transactionStatus;
  }

  it('RCVD until the PSU authorises, then ACTC, then ACSC', async () => {
    const paymentId = await initiate(transfer());
    expect(await status(paymentId)).toBe('RCVD');
    const approved = await authorise(bank, { paymentId, psu: 'alice' });
    expect(approved.body.transactionStatus).toBe('ACTC');
    expect([await status(paymentId), await status(paymentId), await status(paymentId)]).toEqual([
      'ACTC',
      'ACSC',
      'ACSC',
    ]);
  });

  it('a creditor IBAN ending in 0000 is rejected (RJCT)', async () => {
    const creditor = makeIban('DE', '100100100006820000');
    const paymentId = await initiate(transfer(creditor));
    await authorise(bank, { paymentId, psu: 'alice' });
    expect(await status(paymentId)).toBe('RJCT');
  });

  it("requires PSU-IP-Address, a known product and the debtor account's owner", async () => {
    const noIp = await postJson<{ tppMessages: Array<{ code: string }> }>(
      `${bank.url}/v1/payments/sepa-credit-transfers`,
      transfer(),
      bgHeaders({ 'PSU-ID': 'alice' }),
    );
    expect(noIp.status).toBe(400);
    expect(noIp.body.tppMessages[0]?.code).toBe('FORMAT_ERROR');
    const product = await postJson<{ tppMessages: Array<{ code: string }> }>(
      `${bank.url}/v1/payments/instant-sepa-credit-transfers`,
      transfer(),
      bgHeaders({ 'PSU-IP-Address': '192.0.2.1' }),
    );
    expect(product.status).toBe(404);
    expect(product.body.tppMessages[0]?.code).toBe('PRODUCT_UNKNOWN');
    const paymentId = await initiate(transfer());
    expect((await authorise(bank, { paymentId, psu: 'bob' })).status).toBe(400);
  });

  it('faults apply to payment calls too', async () => {
    bank.setFaults({ failNext: [{ status: 503 }] });
    const res = await postJson<{ tppMessages: Array<{ code: string }> }>(
      `${bank.url}/v1/payments/sepa-credit-transfers`,
      transfer(),
      bgHeaders({ 'PSU-IP-Address': '192.0.2.1' }),
    );
    expect(res.status).toBe(503);
    expect(res.body.tppMessages[0]?.code).toBe('SERVICE_UNAVAILABLE');
    bank.resetFaults();
  });
});
