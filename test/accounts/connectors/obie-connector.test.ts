import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/shared/errors/index.js';
import type { BankSession } from '../../../src/subgraphs/accounts/connectors/connector.js';
import { ObieConnector } from '../../../src/subgraphs/accounts/connectors/obie/connector.js';
import type { ObieVersion } from '../../../src/subgraphs/accounts/connectors/obie/schemas.js';
import { FakeBank, FakeTiming } from './support/fake-bank.js';
import { basePath, fakeObieBank } from './support/obie-fixtures.js';
import type { FakeObieOptions } from './support/obie-fixtures.js';

let banks: FakeBank[] = [];
afterEach(async () => {
  await Promise.all(banks.map((b) => b.close()));
  banks = [];
});

async function setUp(options: FakeObieOptions) {
  const bank = await fakeObieBank(options);
  banks.push(bank);
  const timing = new FakeTiming();
  const connector = new ObieConnector({
    bankId: 'obie-bank',
    version: options.version,
    baseUrl: bank.url,
    clientId: 'ledgergraph',
    http: { timing },
  });
  return { bank, connector, timing };
}

const session: BankSession = {
  standard: 'obie',
  bankConsentId: 'aac-1',
  accessToken: 'psu-access-token',
  refreshToken: 'rt-1',
};

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const range = { from: '2025-03-01T00:00:00Z', to: '2025-03-10T23:59:59Z' };

describe.each(['3.1.11', '4.0'] as const)('OBIE %s connector', (version: ObieVersion) => {
  const base = basePath[version];

  it('creates a consent with a client-credentials token, then exchanges the code', async () => {
    const { bank, connector, timing } = await setUp({ version });
    const consent = await connector.createConsent({
      permissions: ['ReadAccountsDetail', 'ReadBalances'],
      expiresAt: '2025-06-01T00:00:00Z',
    });
    expect(consent).toEqual({ bankConsentId: 'aac-1', status: 'AwaitingAuthorisation' });
    const [tokenCall, consentCall] = bank.requests;
    expect(new URLSearchParams(tokenCall!.body).get('grant_type')).toBe('client_credentials');
    expect(consentCall!.url).toBe(`${base}/account-access-consents`);
    expect(consentCall!.headers.authorization).toBe('Bearer at-client_credentials');
    expect(JSON.parse(consentCall!.body)).toMatchObject({
      Data: { Permissions: ['ReadAccountsDetail', 'ReadBalances'] },
      Risk: {},
    });

    const s = await connector.completeAuthorisation({ bankConsentId: 'aac-1', code: 'code-1' });
    expect(s).toEqual({
      standard: 'obie',
      bankConsentId: 'aac-1',
      accessToken: 'at-authorization_code',
      refreshToken: 'rt-1',
      expiresAt: new Date(timing.nowMs + 300_000).toISOString(),
    });
    expect(new URLSearchParams(bank.requests[2]!.body).get('code')).toBe('code-1');
  });

  it('needs the authorisation code', async () => {
    const { connector } = await setUp({ version });
    const error = await failure(connector.completeAuthorisation({ bankConsentId: 'aac-1' }));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.details['bankId']).toBe('obie-bank');
  });

  it('refreshes a session, keeping a refresh token the bank did not rotate', async () => {
    const { connector } = await setUp({ version });
    const refreshed = await connector.refreshSession(session);
    expect(refreshed.accessToken).toBe('at-refresh_token');
    expect(refreshed.refreshToken).toBe('rt-1');
  });

  it('reports a refused refresh (invalid_grant) as consent_invalid', async () => {
    const { connector } = await setUp({ version });
    const error = await failure(connector.refreshSession({ ...session, refreshToken: 'dead' }));
    expect(error.details).toMatchObject({ bankId: 'obie-bank', reason: 'consent_invalid' });
  });

  it('lists accounts, normalized', async () => {
    const { bank, connector } = await setUp({ version });
    const accounts = await connector.listAccounts(session);
    expect(accounts[0]).toEqual({
      bankAccountId: 'acc-1',
      currency: 'GBP',
      accountType: 'Personal',
      accountSubType: 'CurrentAccount',
      nickname: 'Account acc-1',
      identification: {
        scheme: 'SortCodeAccountNumber',
        identification: '80200110203345',
        name: 'Alice Smith',
      },
    });
    expect(accounts).toHaveLength(2);
    expect(bank.requests[0]!.headers.authorization).toBe('Bearer psu-access-token');
  });

  it('gets balances for many accounts with one bulk call, only for the accounts asked', async () => {
    const { bank, connector } = await setUp({ version });
    const result = await connector.getBalances(session, ['acc-1', 'acc-2']);
    expect(bank.requests.map((r) => r.url)).toEqual([`${base}/balances`]);
    expect(result).toHaveLength(4);
    expect(result.map((b) => b.bankAccountId)).not.toContain('acc-3');
    expect(result[0]).toEqual({
      bankAccountId: 'acc-1',
      type: 'InterimBooked',
      amount: '1230.50',
      currency: 'GBP',
      creditDebit: 'Credit',
      dateTime: '2025-03-10T09:00:00.000Z',
    });
    expect(result[1]).toMatchObject({ type: 'InterimAvailable', creditDebit: 'Debit' });
  });

  it('makes no bank call for an empty list of accounts', async () => {
    const { bank, connector } = await setUp({ version });
    expect(await connector.getBalances(session, [])).toEqual([]);
    expect(await connector.getTransactions(session, { ...range, bankAccountIds: [] })).toEqual([]);
    expect(bank.requests).toHaveLength(0);
  });

  it('follows every Links.Next page of bulk transactions; booked vs pending', async () => {
    const { bank, connector } = await setUp({ version });
    const result = await connector.getTransactions(session, {
      ...range,
      bankAccountIds: ['acc-1', 'acc-2'],
    });
    expect(bank.requests).toHaveLength(3);
    const first = new URL(bank.requests[0]!.url, bank.url);
    expect(first.pathname).toBe(`${base}/transactions`);
    expect(first.searchParams.get('fromBookingDateTime')).toBe('2025-03-01T00:00:00');
    expect(first.searchParams.get('toBookingDateTime')).toBe('2025-03-10T23:59:59');

    // acc-3 was not asked for; the rejected entry never moved money.
    expect(result.map((t) => [t.bankAccountId, t.status])).toEqual([
      ['acc-1', 'Booked'],
      ['acc-2', 'Pending'],
      ['acc-1', 'Booked'],
    ]);
    expect(result[0]).toEqual({
      bankTransactionId: 'tx-1',
      bankAccountId: 'acc-1',
      status: 'Booked',
      amount: '42.10',
      currency: 'GBP',
      creditDebit: 'Debit',
      bookingDateTime: '2025-03-01T10:15:00.000Z',
      valueDateTime: '2025-03-01T10:15:00.000Z',
      description: 'Payment tx-1',
      counterpartyName: 'Corner Shop Ltd',
      merchantName: 'Corner Shop',
      merchantCategoryCode: '5411',
    });
  });

  it('gives an entry without TransactionId a stable id of its own', async () => {
    const { connector } = await setUp({ version });
    const query = { ...range, bankAccountIds: ['acc-1'] };
    const once = await connector.getTransactions(session, query);
    const twice = await connector.getTransactions(session, query);
    expect(once[1]!.bankTransactionId).toMatch(/^h-[0-9a-f]{32}$/);
    expect(twice[1]!.bankTransactionId).toBe(once[1]!.bankTransactionId);
  });

  it('fails the whole call when a later page is garbage: no partial lists', async () => {
    // The envelope is wrong (an object where the list goes); a bad entry alone is only skipped.
    const { connector } = await setUp({
      version,
      transactionPage: (page) =>
        page === 3 ? { json: { Data: { Transaction: { AccountId: 'acc-1' } } } } : undefined,
    });
    const error = await failure(
      connector.getTransactions(session, { ...range, bankAccountIds: ['acc-1'] }),
    );
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.details).toMatchObject({
      bankId: 'obie-bank',
      reason: 'malformed_response',
      endpoint: 'GET /transactions',
    });
  });

  it('fails the whole call when a later page keeps failing', async () => {
    const { bank, connector } = await setUp({
      version,
      transactionPage: (page) => (page === 2 ? { status: 500, json: {} } : undefined),
    });
    const error = await failure(
      connector.getTransactions(session, { ...range, bankAccountIds: ['acc-1'] }),
    );
    expect(error.details).toMatchObject({ bankId: 'obie-bank', reason: 'bank_error', status: 500 });
    expect(bank.requests).toHaveLength(4); // page 1, then page 2 three times
  });

  it('refuses a Next link to another host, so the token never leaves the bank', async () => {
    const elsewhere = await FakeBank.scripted({ json: {} });
    banks.push(elsewhere);
    const { connector } = await setUp({
      version,
      transactionPage: (page, req, bank) =>
        page === 1
          ? {
              json: {
                Data: { Transaction: [] },
                Links: {
                  Self: `${bank.url}${req.url}`,
                  Next: `${elsewhere.url}${base}/transactions?page=2`,
                },
              },
            }
          : undefined,
    });
    const error = await failure(
      connector.getTransactions(session, { ...range, bankAccountIds: ['acc-1'] }),
    );
    expect(error.details).toMatchObject({
      reason: 'malformed_response',
      problem: 'next link points outside the bank',
    });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('notices when Meta.TotalPages promises more pages than the links lead to', async () => {
    const { connector } = await setUp({ version, totalPages: 5 });
    const error = await failure(
      connector.getTransactions(session, { ...range, bankAccountIds: ['acc-1'] }),
    );
    expect(error.details['reason']).toBe('malformed_response');
    expect(error.details['problem']).toMatch(/TotalPages says 5/);
  });

  it('marks the PSU as present only when the caller passes the PSU IP address', async () => {
    const { bank, connector } = await setUp({ version });
    await connector.listAccounts(session, { psuIpAddress: '198.51.100.7' });
    await connector.listAccounts(session);
    expect(bank.requests[0]!.headers['x-fapi-customer-ip-address']).toBe('198.51.100.7');
    expect(bank.requests[1]!.headers['x-fapi-customer-ip-address']).toBeUndefined();
  });

  it('does not echo tokens from a malformed token response', async () => {
    const bank = await FakeBank.scripted({
      json: { access_token: 'leaky-secret-token', token_type: 'MAC', expires_in: 'soon' },
    });
    banks.push(bank);
    const connector = new ObieConnector({
      bankId: 'obie-bank',
      version,
      baseUrl: bank.url,
      clientId: 'ledgergraph',
    });
    const error = await failure(connector.completeAuthorisation({ bankConsentId: 'c', code: 'x' }));
    expect(error.details).toMatchObject({
      reason: 'malformed_response',
      endpoint: 'POST /oauth/token',
    });
    expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain('leaky-secret');
    expect(bank.requests).toHaveLength(1); // a code is single-use: never retried
  });

  it('refuses a PSU IP address that is not one, before calling the bank', async () => {
    const { bank, connector } = await setUp({ version });
    const error = await failure(
      connector.listAccounts(session, { psuIpAddress: '1.2.3.4\r\nx-evil: 1' }),
    );
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.details['bankId']).toBe('obie-bank');
    expect(bank.requests).toHaveLength(0);
    expect(connector.http.breakers.stateOf('GET /accounts')).toBe('closed');
  });

  it('refuses a session without an access token before calling the bank', async () => {
    const { bank, connector } = await setUp({ version });
    const error = await failure(
      connector.listAccounts({ standard: 'obie', bankConsentId: 'aac-1' }),
    );
    expect(error.details).toMatchObject({ bankId: 'obie-bank', reason: 'consent_invalid' });
    expect(bank.requests).toHaveLength(0);
  });
});
