import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxBank } from '../../src/sandbox/index.js';
import {
  authorise,
  bgConsent,
  bgHeaders,
  clientToken,
  http,
  obieSession,
  postForm,
  postJson,
  psuAccounts,
  startBank,
  type ObieSession,
  type TokenResponse,
} from './helpers.js';
import { OpenApiSpec } from './openapi.js';

/** Every answer checked against the official OpenAPI files in ../shared/specs. */
describe.each([
  {
    version: '3.1.11' as const,
    ais: 'obie-v3.1.11-account-info-openapi.yaml',
    pis: 'obie-v3.1.11-payment-initiation-openapi.yaml',
  },
  {
    version: '4.0' as const,
    ais: 'obie-v4.0-account-info-openapi.yaml',
    pis: 'obie-v4.0-payment-initiation-openapi.yaml',
  },
])('OBIE $version responses match the spec', ({ version, ais, pis }) => {
  let bank: SandboxBank;
  let aisSpec: OpenApiSpec;
  let pisSpec: OpenApiSpec;
  let session: ObieSession;
  let accountId: string;

  beforeAll(async () => {
    aisSpec = new OpenApiSpec(ais);
    pisSpec = new OpenApiSpec(pis);
    bank = await startBank({ standard: 'obie', obieVersion: version, transactionsPerAccount: 300 });
    session = await obieSession(bank, { version });
    accountId = (await psuAccounts(bank, 'alice'))[0]?.accountId ?? '';
  });
  afterAll(() => bank.close());

  it('account-access-consents: create and read', async () => {
    const token = await clientToken(bank, 'accounts');
    const created = await postJson(
      `${session.base}/account-access-consents`,
      {
        Data: {
          Permissions: ['ReadAccountsBasic', 'ReadTransactionsBasic', 'ReadTransactionsCredits'],
          ExpirationDateTime: '2025-09-01T00:00:00+00:00',
          TransactionFromDateTime: '2025-01-01T00:00:00+00:00',
          TransactionToDateTime: '2025-06-01T00:00:00+00:00',
        },
        Risk: {},
      },
      { authorization: `Bearer ${token}` },
    );
    expect(created.status).toBe(201);
    expect(aisSpec.check('POST', '/account-access-consents', 201, created.body)).toEqual([]);
    const read = await http(`${session.base}/account-access-consents/${session.consentId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(read.status).toBe(200);
    expect(aisSpec.check('GET', '/account-access-consents/{ConsentId}', 200, read.body)).toEqual(
      [],
    );
  });

  it.each([
    ['/accounts', '/accounts'],
    ['/accounts/{AccountId}', '/accounts/:id'],
    ['/accounts/{AccountId}/balances', '/accounts/:id/balances'],
    ['/balances', '/balances'],
    ['/accounts/{AccountId}/transactions', '/accounts/:id/transactions'],
    ['/transactions', '/transactions?page=2'],
  ])('GET %s', async (specPath, path) => {
    const res = await http(`${session.base}${path.replace(':id', accountId)}`, {
      headers: session.headers,
    });
    expect(res.status).toBe(200);
    expect(aisSpec.check('GET', specPath, 200, res.body)).toEqual([]);
  });

  it("the validator has teeth: the other version's transaction status is refused", async () => {
    const res = await http<{ Data: { Transaction: Array<Record<string, unknown>> } }>(
      `${session.base}/transactions`,
      { headers: session.headers },
    );
    const body = structuredClone(res.body);
    const first = body.Data.Transaction[0] ?? {};
    first.Status = version === '4.0' ? 'Booked' : 'BOOK';
    expect(aisSpec.check('GET', '/transactions', 200, body)).not.toEqual([]);
    expect(aisSpec.check('GET', '/transactions', 200, { ...res.body, Extra: true })).not.toEqual(
      [],
    );
  });

  it('Basic-permission accounts and transactions', async () => {
    const basic = await obieSession(bank, {
      version,
      permissions: ['ReadAccountsBasic', 'ReadTransactionsBasic', 'ReadTransactionsDebits'],
    });
    const accounts = await http(`${basic.base}/accounts`, { headers: basic.headers });
    expect(aisSpec.check('GET', '/accounts', 200, accounts.body)).toEqual([]);
    const transactions = await http(`${basic.base}/transactions`, { headers: basic.headers });
    expect(aisSpec.check('GET', '/transactions', 200, transactions.body)).toEqual([]);
  });

  it('error bodies (403 no permission, 400 bad date) are OBErrorResponse1', async () => {
    const noBalances = await obieSession(bank, { version, permissions: ['ReadAccountsBasic'] });
    const forbidden = await http(`${noBalances.base}/balances`, { headers: noBalances.headers });
    expect(forbidden.status).toBe(403);
    expect(aisSpec.check('GET', '/balances', 403, forbidden.body)).toEqual([]);
    const badDate = await http(`${session.base}/transactions?fromBookingDateTime=yesterday`, {
      headers: session.headers,
    });
    expect(badDate.status).toBe(400);
    expect(aisSpec.check('GET', '/transactions', 400, badDate.body)).toEqual([]);
  });

  it('domestic payment consent, payment and every status', async () => {
    const pisBase = `${bank.url}/open-banking/${version === '4.0' ? 'v4.0' : 'v3.1'}/pisp`;
    for (const creditor of ['12345678', '12340000']) {
      const token = await clientToken(bank, 'payments');
      const initiation = {
        InstructionIdentification: 'INSTR-1',
        EndToEndIdentification: 'E2E-1',
        InstructedAmount: { Amount: '12.50', Currency: 'GBP' },
        CreditorAccount: {
          SchemeName: 'UK.OBIE.SortCodeAccountNumber',
          Identification: `201500${creditor}`,
          Name: 'Bob Creditor',
        },
      };
      const consent = await postJson<{ Data: { ConsentId: string } }>(
        `${pisBase}/domestic-payment-consents`,
        { Data: { Initiation: initiation }, Risk: {} },
        { authorization: `Bearer ${token}`, 'x-idempotency-key': `consent-${creditor}` },
      );
      expect(consent.status).toBe(201);
      expect(pisSpec.check('POST', '/domestic-payment-consents', 201, consent.body)).toEqual([]);
      const consentId = consent.body.Data.ConsentId;
      const approved = await authorise(bank, { consentId, psu: 'alice' });
      const read = await http(`${pisBase}/domestic-payment-consents/${consentId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(
        pisSpec.check('GET', '/domestic-payment-consents/{ConsentId}', 200, read.body),
      ).toEqual([]);
      const psuToken = await postForm<TokenResponse>(`${bank.url}/oauth/token`, {
        grant_type: 'authorization_code',
        code: approved.body.code ?? '',
      });
      const payment = await postJson<{ Data: { DomesticPaymentId: string } }>(
        `${pisBase}/domestic-payments`,
        { Data: { ConsentId: consentId, Initiation: initiation }, Risk: {} },
        {
          authorization: `Bearer ${psuToken.body.access_token}`,
          'x-idempotency-key': `payment-${creditor}`,
        },
      );
      expect(payment.status).toBe(201);
      expect(pisSpec.check('POST', '/domestic-payments', 201, payment.body)).toEqual([]);
      for (let i = 0; i < 3; i++) {
        const status = await http(
          `${pisBase}/domestic-payments/${payment.body.Data.DomesticPaymentId}`,
          {
            headers: { authorization: `Bearer ${token}` },
          },
        );
        expect(
          pisSpec.check('GET', '/domestic-payments/{DomesticPaymentId}', 200, status.body),
        ).toEqual([]);
      }
      const conflict = await postJson(
        `${pisBase}/domestic-payment-consents`,
        { Data: { Initiation: { ...initiation, EndToEndIdentification: 'E2E-2' } }, Risk: {} },
        { authorization: `Bearer ${token}`, 'x-idempotency-key': `consent-${creditor}` },
      );
      expect(conflict.status).toBe(400);
      expect(pisSpec.check('POST', '/domestic-payment-consents', 400, conflict.body)).toEqual([]);
    }
  });
});

describe('Berlin Group responses match the spec', () => {
  let bank: SandboxBank;
  let spec: OpenApiSpec;
  let consentId: string;
  let accountId: string;
  let iban: string;

  beforeAll(async () => {
    spec = new OpenApiSpec('berlin-group-nextgenpsd2-v1.3.12.yaml');
    bank = await startBank({ standard: 'berlin-group', transactionsPerAccount: 300 });
    const account = (await psuAccounts(bank, 'alice'))[0];
    accountId = account?.accountId ?? '';
    iban = account?.iban ?? '';
  });
  afterAll(() => bank.close());

  it('consents: create, read, status', async () => {
    const created = await postJson<{ consentId: string }>(
      `${bank.url}/v1/consents`,
      {
        access: { balances: [{ iban }], transactions: [{ iban }] },
        recurringIndicator: true,
        validUntil: '2025-12-31',
        frequencyPerDay: 4,
        combinedServiceIndicator: false,
      },
      bgHeaders({ 'PSU-ID': 'alice' }),
    );
    expect(created.status).toBe(201);
    expect(spec.check('POST', '/v1/consents', 201, created.body)).toEqual([]);
    consentId = created.body.consentId;
    await authorise(bank, { consentId, psu: 'alice' });
    const read = await http(`${bank.url}/v1/consents/${consentId}`, { headers: bgHeaders() });
    expect(spec.check('GET', '/v1/consents/{consentId}', 200, read.body)).toEqual([]);
    const status = await http(`${bank.url}/v1/consents/${consentId}/status`, {
      headers: bgHeaders(),
    });
    expect(spec.check('GET', '/v1/consents/{consentId}/status', 200, status.body)).toEqual([]);
  });

  it.each([
    ['/v1/accounts', '/v1/accounts?withBalance=true'],
    ['/v1/accounts/{account-id}', '/v1/accounts/:id?withBalance=true'],
    ['/v1/accounts/{account-id}/balances', '/v1/accounts/:id/balances'],
    [
      '/v1/accounts/{account-id}/transactions',
      '/v1/accounts/:id/transactions?dateFrom=2023-01-01&bookingStatus=both',
    ],
    [
      '/v1/accounts/{account-id}/transactions',
      '/v1/accounts/:id/transactions?dateFrom=2025-01-01&bookingStatus=booked&withBalance=true',
    ],
  ])('GET %s (%s)', async (specPath, path) => {
    const all = await bgConsent(bank);
    const res = await http(`${bank.url}${path.replace(':id', accountId)}`, {
      headers: bgHeaders({ 'Consent-ID': all, 'PSU-IP-Address': '192.0.2.1' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(spec.check('GET', specPath, 200, res.body)).toEqual([]);
  });

  it('error bodies (400, 401, 403, 404, 429) carry tppMessages', async () => {
    const onceADay = await bgConsent(bank, { frequencyPerDay: 1 });
    const url = `${bank.url}/v1/accounts/${accountId}/balances`;
    await http(url, { headers: bgHeaders({ 'Consent-ID': onceADay }) });
    const exceeded = await http(url, { headers: bgHeaders({ 'Consent-ID': onceADay }) });
    expect(exceeded.status).toBe(429);
    expect(spec.check('GET', '/v1/accounts/{account-id}/balances', 429, exceeded.body)).toEqual([]);
    const pending = await bgConsent(bank, { authorise: false });
    const invalid = await http(url, { headers: bgHeaders({ 'Consent-ID': pending }) });
    expect(invalid.status).toBe(401);
    expect(spec.check('GET', '/v1/accounts/{account-id}/balances', 401, invalid.body)).toEqual([]);
    const unknownConsent = await http(url, { headers: bgHeaders({ 'Consent-ID': 'nope' }) });
    expect(unknownConsent.status).toBe(403);
    expect(
      spec.check('GET', '/v1/accounts/{account-id}/balances', 403, unknownConsent.body),
    ).toEqual([]);
    const all = await bgConsent(bank);
    const unknownAccount = await http(`${bank.url}/v1/accounts/nope/balances`, {
      headers: bgHeaders({ 'Consent-ID': all }),
    });
    expect(unknownAccount.status).toBe(404);
    expect(
      spec.check('GET', '/v1/accounts/{account-id}/balances', 404, unknownAccount.body),
    ).toEqual([]);
    const badQuery = await http(`${bank.url}/v1/accounts/${accountId}/transactions`, {
      headers: bgHeaders({ 'Consent-ID': all }),
    });
    expect(badQuery.status).toBe(400);
    expect(spec.check('GET', '/v1/accounts/{account-id}/transactions', 400, badQuery.body)).toEqual(
      [],
    );
  });

  it('SEPA credit transfer: initiate, read, status', async () => {
    const initiated = await postJson<{ paymentId: string }>(
      `${bank.url}/v1/payments/sepa-credit-transfers`,
      {
        debtorAccount: { iban },
        instructedAmount: { currency: 'EUR', amount: '25.00' },
        creditorAccount: { iban: 'DE89370400440532013000' },
        creditorName: 'Max Mustermann',
        remittanceInformationUnstructured: 'Invoice 42',
      },
      bgHeaders({ 'PSU-ID': 'alice', 'PSU-IP-Address': '192.0.2.1' }),
    );
    expect(initiated.status).toBe(201);
    expect(
      spec.check('POST', '/v1/{payment-service}/{payment-product}', 201, initiated.body),
    ).toEqual([]);
    const base = `${bank.url}/v1/payments/sepa-credit-transfers/${initiated.body.paymentId}`;
    await authorise(bank, { paymentId: initiated.body.paymentId, psu: 'alice' });
    const read = await http(base, { headers: bgHeaders() });
    expect(
      spec.check('GET', '/v1/{payment-service}/{payment-product}/{paymentId}', 200, read.body),
    ).toEqual([]);
    const status = await http(`${base}/status`, { headers: bgHeaders() });
    expect(
      spec.check(
        'GET',
        '/v1/{payment-service}/{payment-product}/{paymentId}/status',
        200,
        status.body,
      ),
    ).toEqual([]);
  });
});
