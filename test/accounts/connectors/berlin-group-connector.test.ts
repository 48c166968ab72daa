import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/shared/errors/index.js';
import { BerlinGroupConnector } from '../../../src/subgraphs/accounts/connectors/berlin-group/connector.js';
import type { BankSession } from '../../../src/subgraphs/accounts/connectors/connector.js';
import { FakeBank, FakeTiming } from './support/fake-bank.js';
import { fakeBerlinGroupBank } from './support/berlin-group-fixtures.js';
import type { FakeBgOptions } from './support/berlin-group-fixtures.js';

let banks: FakeBank[] = [];
afterEach(async () => {
  await Promise.all(banks.map((b) => b.close()));
  banks = [];
});

async function setUp(options: FakeBgOptions = {}) {
  const bank = await fakeBerlinGroupBank(options);
  banks.push(bank);
  const timing = new FakeTiming();
  const connector = new BerlinGroupConnector({
    bankId: 'bg-bank',
    baseUrl: bank.url,
    tppIpAddress: '203.0.113.9',
    http: { timing },
  });
  return { bank, connector, timing };
}

const session: BankSession = { standard: 'berlin-group', bankConsentId: 'bg-consent-1' };
const range = { from: '2025-03-01T00:00:00Z', to: '2025-03-10T23:59:59Z' };

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('Berlin Group connector', () => {
  it('creates an allPsd2 consent and checks it is valid before handing out a session', async () => {
    const { bank, connector } = await setUp();
    const consent = await connector.createConsent({
      permissions: ['ReadAccountsDetail'],
      expiresAt: '2025-06-01T00:00:00Z',
      psuId: 'bob',
    });
    expect(consent).toEqual({
      bankConsentId: 'bg-consent-1',
      status: 'AwaitingAuthorisation',
      scaRedirectUrl: `${bank.url}/sca/bg-consent-1`,
    });
    const post = bank.requests[0]!;
    expect(post.headers['psu-id']).toBe('bob');
    expect(post.headers['psu-ip-address']).toBe('203.0.113.9');
    expect(post.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(post.body)).toEqual({
      access: { allPsd2: 'allAccounts' },
      recurringIndicator: true,
      validUntil: '2025-06-01',
      frequencyPerDay: 4,
      combinedServiceIndicator: false,
    });

    const s = await connector.completeAuthorisation({ bankConsentId: 'bg-consent-1' });
    expect(s).toEqual({
      standard: 'berlin-group',
      bankConsentId: 'bg-consent-1',
      expiresAt: '2025-06-01T23:59:59.999Z',
    });
  });

  it('checks caller input that ends up in headers or the consent body', async () => {
    const { bank, connector } = await setUp();
    const base = { permissions: [], expiresAt: '2025-06-01T00:00:00Z' } as const;
    for (const request of [
      { ...base, psuId: 'bob\nPSU-ID: mallory' },
      { ...base, frequencyPerDay: 0 },
      { ...base, expiresAt: 'next week' },
    ]) {
      const error = await failure(connector.createConsent(request));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.details['bankId']).toBe('bg-bank');
    }
    expect(bank.requests).toHaveLength(0);
  });

  it('refuses a session for a consent the PSU has not authorised', async () => {
    const { connector } = await setUp({ consentStatus: 'received' });
    const error = await failure(connector.completeAuthorisation({ bankConsentId: 'bg-consent-1' }));
    expect(error.details).toMatchObject({
      bankId: 'bg-bank',
      reason: 'consent_not_authorised',
      problem: 'AwaitingAuthorisation',
    });
  });

  it('lists accounts with Consent-ID, normalized', async () => {
    const { bank, connector } = await setUp();
    const accounts = await connector.listAccounts(session);
    expect(bank.requests[0]!.headers['consent-id']).toBe('bg-consent-1');
    expect(bank.requests[0]!.headers['psu-ip-address']).toBeUndefined();
    expect(accounts).toHaveLength(3);
    expect(accounts[0]).toEqual({
      bankAccountId: 'bg-1',
      currency: 'EUR',
      accountType: 'Personal',
      accountSubType: 'CurrentAccount',
      nickname: 'Main Account',
      identification: {
        scheme: 'IBAN',
        identification: 'DE89370400440532013000',
        name: 'Bob Müller',
      },
    });
  });

  it('gets balances for N accounts with one /v1/accounts?withBalance=true call', async () => {
    const { bank, connector, timing } = await setUp();
    const result = await connector.getBalances(session, ['bg-1', 'bg-2']);
    expect(bank.requests.map((r) => r.url)).toEqual(['/v1/accounts?withBalance=true']);
    expect(result.map((b) => b.bankAccountId)).toEqual([
      'bg-1',
      'bg-1',
      'bg-1',
      'bg-2',
      'bg-2',
      'bg-2',
    ]);
    expect(result.slice(0, 3)).toEqual([
      {
        bankAccountId: 'bg-1',
        type: 'ClosingBooked',
        amount: '500.00',
        currency: 'EUR',
        creditDebit: 'Credit',
        dateTime: '2025-03-09T00:00:00.000Z',
      },
      {
        bankAccountId: 'bg-1',
        type: 'InterimAvailable',
        amount: '20.5',
        currency: 'EUR',
        creditDebit: 'Debit',
        dateTime: '2025-03-10T08:30:00.000Z',
      },
      {
        bankAccountId: 'bg-1',
        type: 'Expected',
        amount: '480.00',
        currency: 'EUR',
        creditDebit: 'Credit',
        dateTime: new Date(timing.nowMs).toISOString(),
      },
    ]);
  });

  it('falls back to /balances only for accounts the bank returned without balances', async () => {
    const { bank, connector } = await setUp({ noInlineBalances: ['bg-2'] });
    const result = await connector.getBalances(session, ['bg-1', 'bg-2']);
    expect(bank.requests.map((r) => r.url)).toEqual([
      '/v1/accounts?withBalance=true',
      '/v1/accounts/bg-2/balances',
    ]);
    expect(result.filter((b) => b.bankAccountId === 'bg-2')).toHaveLength(3);
  });

  it('gets transactions per account, all pages, booked and pending apart', async () => {
    const { bank, connector } = await setUp();
    const result = await connector.getTransactions(
      session,
      { ...range, bankAccountIds: ['bg-1', 'bg-2'] },
      { psuIpAddress: '198.51.100.7' },
    );
    expect(bank.requests).toHaveLength(4); // two pages for each account
    const first = new URL(bank.requests[0]!.url, bank.url);
    expect(Object.fromEntries(first.searchParams)).toEqual({
      dateFrom: '2025-03-01',
      dateTo: '2025-03-10',
      bookingStatus: 'both',
    });
    expect(bank.requests.every((r) => r.headers['psu-ip-address'] === '198.51.100.7')).toBe(true);

    const bg1 = result.filter((t) => t.bankAccountId === 'bg-1');
    expect(bg1.map((t) => [t.bankTransactionId, t.status])).toEqual([
      ['bg-1-b1', 'Booked'],
      ['bg-1-p1', 'Pending'],
      ['bg-1-ref2', 'Booked'],
    ]);
    expect(bg1[0]).toEqual({
      bankTransactionId: 'bg-1-b1',
      bankAccountId: 'bg-1',
      status: 'Booked',
      amount: '25.00',
      currency: 'EUR',
      creditDebit: 'Debit',
      bookingDateTime: '2025-03-02T00:00:00.000Z',
      valueDateTime: '2025-03-03T00:00:00.000Z',
      description: 'Strom März',
      counterpartyName: 'Stadtwerke',
    });
    // A pending entry has no booking date yet: its value date stands in.
    expect(bg1[1]).toMatchObject({
      bookingDateTime: '2025-03-10T00:00:00.000Z',
      creditDebit: 'Debit',
    });
    expect(bg1[2]).toMatchObject({
      creditDebit: 'Credit',
      amount: '1500.00',
      counterpartyName: 'Arbeitgeber AG',
      description: 'Gehalt März',
    });
  });

  it('stops at once on ACCESS_EXCEEDED, with no retry', async () => {
    const { bank, connector } = await setUp({
      transactionPage: () => ({
        status: 429,
        json: { tppMessages: [{ category: 'ERROR', code: 'ACCESS_EXCEEDED' }] },
      }),
    });
    const error = await failure(
      connector.getTransactions(session, { ...range, bankAccountIds: ['bg-1'] }),
    );
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.details).toMatchObject({ bankId: 'bg-bank', reason: 'access_exceeded' });
    expect(bank.requests).toHaveLength(1);
  });

  it('fails the whole call when one page of one account is garbage', async () => {
    // The envelope is wrong (a string where the list goes); a bad entry alone is only skipped.
    const { connector } = await setUp({
      transactionPage: (accountId, page) =>
        accountId === 'bg-2' && page === 1
          ? { json: { transactions: { booked: 'garbage' } } }
          : undefined,
    });
    const error = await failure(
      connector.getTransactions(session, { ...range, bankAccountIds: ['bg-1', 'bg-2'] }),
    );
    expect(error.details).toMatchObject({
      bankId: 'bg-bank',
      reason: 'malformed_response',
      endpoint: 'GET /v1/accounts/{account-id}/transactions',
    });
  });
});
