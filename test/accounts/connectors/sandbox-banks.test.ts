/**
 * End to end against the sandbox banks (src/sandbox): real OBIE v3.1.11 / v4.0 and Berlin
 * Group servers, their consent flows, paging and injected faults. The bank and the connector
 * share one injected clock, so Retry-After waits are measured without real waiting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSandboxBank } from '../../../src/sandbox/index.js';
import type { SandboxBank } from '../../../src/sandbox/index.js';
import { AppError } from '../../../src/shared/errors/index.js';
import { BerlinGroupConnector } from '../../../src/subgraphs/accounts/connectors/berlin-group/connector.js';
import type {
  AccountPermission,
  BankSession,
} from '../../../src/subgraphs/accounts/connectors/connector.js';
import { ObieConnector } from '../../../src/subgraphs/accounts/connectors/obie/connector.js';
import type { ObieVersion } from '../../../src/subgraphs/accounts/connectors/obie/schemas.js';
import { FakeTiming } from './support/fake-bank.js';

const perAccount = 60;
const pageSize = 25;
const accountsPerPsu = 3;
const everything = { from: '2020-01-01T00:00:00Z', to: '2025-03-10T23:59:59Z' };
const permissions: AccountPermission[] = [
  'ReadAccountsDetail',
  'ReadBalances',
  'ReadTransactionsDetail',
  'ReadTransactionsCredits',
  'ReadTransactionsDebits',
];

let banks: SandboxBank[] = [];
afterEach(async () => {
  await Promise.all(banks.map((b) => b.close()));
  banks = [];
});

async function start(
  standard: 'obie' | 'berlin-group',
  timing: FakeTiming,
  obieVersion?: ObieVersion,
): Promise<SandboxBank> {
  const bank = await startSandboxBank({
    id: standard === 'obie' ? `obie-${obieVersion}` : 'bg-bank',
    standard,
    obieVersion,
    seed: 42,
    anchorDate: '2025-03-10',
    accountsPerPsu,
    transactionsPerAccount: perAccount,
    pageSize,
    now: timing.now,
  });
  banks.push(bank);
  return bank;
}

/** The PSU logs in at the bank and approves (the sandbox's stand-in for the redirect). */
async function authorise(bank: SandboxBank, consentId: string, psu: string): Promise<unknown> {
  const response = await fetch(`${bank.url}/__sandbox/authorise`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ consentId, psu }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe.each(['3.1.11', '4.0'] as const)('OBIE %s sandbox bank', (version) => {
  const base = version === '4.0' ? '/open-banking/v4.0/aisp' : '/open-banking/v3.1/aisp';

  async function connected() {
    const timing = new FakeTiming();
    const bank = await start('obie', timing, version);
    const connector = new ObieConnector({
      bankId: bank.id,
      version,
      baseUrl: bank.url,
      clientId: 'ledgergraph',
      http: { timing },
    });
    const consent = await connector.createConsent({
      permissions,
      expiresAt: '2026-01-01T00:00:00Z',
    });
    expect(consent.status).toBe('AwaitingAuthorisation');
    const { code } = (await authorise(bank, consent.bankConsentId, 'alice')) as { code: string };
    const session = await connector.completeAuthorisation({
      bankConsentId: consent.bankConsentId,
      code,
    });
    return { bank, connector, session, timing };
  }

  it('runs consent → authorise → token → accounts → balances → every page of transactions', async () => {
    const { bank, connector, session } = await connected();
    expect(session.accessToken).toBeTruthy();
    expect(session.refreshToken).toBeTruthy();

    const accounts = await connector.listAccounts(session);
    expect(accounts).toHaveLength(accountsPerPsu);
    expect(accounts[0]).toMatchObject({ currency: 'GBP', accountType: 'Personal' });
    expect(accounts[0]!.identification?.scheme).toBe('SortCodeAccountNumber');
    const ids = accounts.map((a) => a.bankAccountId);

    bank.resetCallCount();
    const balances = await connector.getBalances(session, ids);
    expect(bank.callCount()).toBe(1);
    expect(bank.callCount({ pathPrefix: `${base}/balances` })).toBe(1);
    expect(new Set(balances.map((b) => b.bankAccountId))).toEqual(new Set(ids));
    expect(new Set(balances.map((b) => b.type))).toEqual(
      new Set(['InterimBooked', 'InterimAvailable']),
    );
    for (const b of balances) expect(b.amount).toMatch(/^\d+(\.\d+)?$/);

    bank.resetCallCount();
    const transactions = await connector.getTransactions(session, {
      ...everything,
      bankAccountIds: ids,
    });
    const total = accountsPerPsu * perAccount;
    expect(transactions).toHaveLength(total);
    expect(bank.callCount({ pathPrefix: `${base}/transactions` })).toBe(
      Math.ceil(total / pageSize),
    );
    expect(new Set(transactions.map((t) => t.bankTransactionId)).size).toBe(total);
    const statuses = new Set(transactions.map((t) => t.status));
    expect(statuses).toEqual(new Set(['Booked', 'Pending']));
  });

  it('returns only the accounts asked for from the bulk endpoints', async () => {
    const { connector, session } = await connected();
    const [first] = await connector.listAccounts(session);
    const transactions = await connector.getTransactions(session, {
      ...everything,
      bankAccountIds: [first!.bankAccountId],
    });
    expect(transactions).toHaveLength(perAccount);
    expect(transactions.every((t) => t.bankAccountId === first!.bankAccountId)).toBe(true);
  });

  it('refreshes the session with the refresh token', async () => {
    const { connector, session } = await connected();
    const refreshed = await connector.refreshSession(session);
    expect(refreshed.accessToken).not.toBe(session.accessToken);
    expect(await connector.listAccounts(refreshed)).toHaveLength(accountsPerPsu);
  });

  it('waits out a 429 Retry-After and gets through on the next attempt', async () => {
    const { bank, connector, session, timing } = await connected();
    // One call allowed, then 429 for 2 s of the bank's clock (which our sleep moves on).
    bank.setFaults({ rateLimit: { remaining: 1, retryAfterSeconds: 2 } });
    await connector.listAccounts(session);
    bank.resetCallCount();
    expect(await connector.listAccounts(session)).toHaveLength(accountsPerPsu);
    expect(timing.sleeps).toEqual([2000]);
    expect(bank.callCount()).toBe(2);
  });

  it('retries an injected 500 transparently', async () => {
    const { bank, connector, session } = await connected();
    bank.setFaults({ failNext: [{ status: 500 }] });
    bank.resetCallCount();
    expect(await connector.listAccounts(session)).toHaveLength(accountsPerPsu);
    expect(bank.callCount()).toBe(2);
  });

  it('reports malformed bodies as malformed_response', async () => {
    const { bank, connector, session } = await connected();
    bank.setFaults({ malformed: true });
    const error = await failure(connector.listAccounts(session));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.details).toMatchObject({ bankId: bank.id, reason: 'malformed_response' });
  });

  it('turns a hanging bank into a timeout', async () => {
    const timing = new FakeTiming();
    const bank = await start('obie', timing, version);
    const connector = new ObieConnector({
      bankId: bank.id,
      version,
      baseUrl: bank.url,
      clientId: 'ledgergraph',
      http: { timing, timeoutMs: 150, retry: { maxAttempts: 2 } },
    });
    bank.setFaults({ hang: true });
    const session: BankSession = { standard: 'obie', bankConsentId: 'x', accessToken: 'y' };
    const error = await failure(connector.listAccounts(session));
    expect(error.details).toMatchObject({ bankId: bank.id, reason: 'timeout' });
    expect(bank.callCount()).toBe(2);
  });
});

describe('Berlin Group sandbox bank', () => {
  async function connected(frequencyPerDay?: number) {
    const timing = new FakeTiming();
    const bank = await start('berlin-group', timing);
    const connector = new BerlinGroupConnector({
      bankId: bank.id,
      baseUrl: bank.url,
      tppIpAddress: '203.0.113.9',
      http: { timing },
    });
    const consent = await connector.createConsent({
      permissions,
      expiresAt: '2026-01-01T00:00:00Z',
      psuId: 'bob',
      frequencyPerDay,
    });
    expect(consent.status).toBe('AwaitingAuthorisation');
    await authorise(bank, consent.bankConsentId, 'bob');
    const session = await connector.completeAuthorisation({ bankConsentId: consent.bankConsentId });
    return { bank, connector, session, timing };
  }

  it('runs consent → authorise → session → accounts → balances → paged transactions', async () => {
    const { bank, connector, session } = await connected();
    expect(session).toMatchObject({
      standard: 'berlin-group',
      expiresAt: '2026-01-01T23:59:59.999Z',
    });

    const accounts = await connector.listAccounts(session);
    expect(accounts).toHaveLength(accountsPerPsu);
    expect(accounts[0]).toMatchObject({ currency: 'EUR', accountType: 'Personal' });
    expect(accounts[0]!.identification?.scheme).toBe('IBAN');
    const ids = accounts.map((a) => a.bankAccountId);

    bank.resetCallCount();
    const balances = await connector.getBalances(session, ids);
    expect(bank.callCount()).toBe(1); // GET /v1/accounts?withBalance=true
    expect(new Set(balances.map((b) => b.bankAccountId))).toEqual(new Set(ids));
    expect(new Set(balances.map((b) => b.type))).toEqual(
      new Set(['ClosingBooked', 'InterimAvailable']),
    );

    bank.resetCallCount();
    const transactions = await connector.getTransactions(
      session,
      { ...everything, bankAccountIds: ids },
      { psuIpAddress: '198.51.100.7' },
    );
    expect(transactions).toHaveLength(accountsPerPsu * perAccount);
    // No bulk endpoint in Berlin Group: every page of every account.
    expect(bank.callCount()).toBe(accountsPerPsu * Math.ceil(perAccount / pageSize));
    expect(new Set(transactions.map((t) => t.status))).toEqual(new Set(['Booked', 'Pending']));
    expect(new Set(transactions.map((t) => t.bankTransactionId)).size).toBe(transactions.length);
    for (const t of transactions) expect(t.amount).toMatch(/^\d+(\.\d+)?$/);
  });

  it('stops on ACCESS_EXCEEDED once the unattended reads are used up, without retrying', async () => {
    const { bank, connector, session, timing } = await connected(1);
    await connector.listAccounts(session);
    bank.resetCallCount();
    const error = await failure(connector.listAccounts(session));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.details).toMatchObject({ bankId: bank.id, reason: 'access_exceeded' });
    expect(bank.callCount()).toBe(1);
    expect(timing.sleeps).toEqual([]);
    // With the PSU present the read does not count against the limit.
    expect(await connector.listAccounts(session, { psuIpAddress: '198.51.100.7' })).toHaveLength(
      accountsPerPsu,
    );
  });

  it('refuses a session for a consent nobody authorised', async () => {
    const timing = new FakeTiming();
    const bank = await start('berlin-group', timing);
    const connector = new BerlinGroupConnector({ bankId: bank.id, baseUrl: bank.url });
    const consent = await connector.createConsent({
      permissions,
      expiresAt: '2026-01-01T00:00:00Z',
    });
    const error = await failure(
      connector.completeAuthorisation({ bankConsentId: consent.bankConsentId }),
    );
    expect(error.details).toMatchObject({ bankId: bank.id, reason: 'consent_not_authorised' });
  });
});
