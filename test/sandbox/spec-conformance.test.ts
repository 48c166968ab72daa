import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxBank } from '../../src/sandbox/index.js';
import {
  authorise,
  bgConsent,
  bgHeaders,
  clientToken,
  http,
  obieSession,
  postJson,
  psuAccounts,
  startBank,
  type ObieSession,
} from './helpers.js';
import { OpenApiSpec } from './openapi.js';

/** Every answer checked against the official OpenAPI files in ../shared/specs. */
describe.each([
  {
    version: '3.1.11' as const,
    ais: 'obie-v3.1.11-account-info-openapi.yaml',
  },
  {
    version: '4.0' as const,
    ais: 'obie-v4.0-account-info-openapi.yaml',
  },
])('OBIE $version responses match the spec', ({ version, ais }) => {
  let bank: SandboxBank;
  let aisSpec: OpenApiSpec;
  let session: ObieSession;
  let accountId: string;

  beforeAll(async () => {
    aisSpec = new OpenApiSpec(ais);
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
});
