import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidIban } from '../../src/sandbox/data/identifiers.js';
import type { SandboxBank } from '../../src/sandbox/index.js';
import {
  authorise,
  bgConsent,
  bgHeaders,
  followPages,
  http,
  postJson,
  psuAccounts,
  startBank,
  TestClock,
  type PsuAccount,
} from './helpers.js';

interface BgTransaction {
  transactionId: string;
  bookingDate?: string;
  valueDate: string;
  transactionAmount: { currency: string; amount: string };
  creditorName?: string;
  bankTransactionCode?: string;
  debtorAccount?: { iban: string };
  creditorAccount?: { iban: string };
}
interface TransactionsBody {
  account: { iban: string };
  transactions: {
    booked?: BgTransaction[];
    pending?: BgTransaction[];
    _links: {
      account: { href: string };
      next?: { href: string };
      previous?: { href: string };
      first?: { href: string };
      last?: { href: string };
    };
  };
  balances?: unknown[];
}
interface TppError {
  tppMessages: Array<{ category: string; code: string; text?: string }>;
}
interface AccountListBody {
  accounts: Array<{
    resourceId: string;
    iban: string;
    balances?: unknown[];
    _links: Record<string, unknown>;
  }>;
}

function readTransactions(body: unknown): { items: BgTransaction[]; next?: string } {
  const page = body as TransactionsBody;
  return {
    items: [...(page.transactions.pending ?? []), ...(page.transactions.booked ?? [])],
    next: page.transactions._links.next?.href,
  };
}

describe('Berlin Group sandbox bank', () => {
  const clock = new TestClock();
  let bank: SandboxBank;
  let accounts: PsuAccount[];
  let consentId: string;

  const current = (): PsuAccount => accounts[0] as PsuAccount;
  const savings = (): PsuAccount => accounts[1] as PsuAccount;
  const attended = (consent: string): Record<string, string> =>
    bgHeaders({ 'Consent-ID': consent, 'PSU-IP-Address': '192.0.2.10' });

  beforeAll(async () => {
    bank = await startBank({ standard: 'berlin-group' }, clock);
    accounts = await psuAccounts(bank, 'alice');
    consentId = await bgConsent(bank, { frequencyPerDay: 100 });
  });
  afterAll(() => bank.close());

  it('serves EUR accounts with valid IBANs', async () => {
    const res = await http<AccountListBody>(`${bank.url}/v1/accounts?withBalance=true`, {
      headers: attended(consentId),
    });
    expect(res.status).toBe(200);
    expect(res.body.accounts.map((a) => a.resourceId)).toEqual(accounts.map((a) => a.accountId));
    expect(res.body.accounts.every((a) => isValidIban(a.iban) && a.iban.startsWith('DE'))).toBe(
      true,
    );
    expect(res.body.accounts.every((a) => Array.isArray(a.balances))).toBe(true);
    const plain = await http<AccountListBody>(`${bank.url}/v1/accounts`, {
      headers: attended(consentId),
    });
    expect(plain.body.accounts.every((a) => a.balances === undefined)).toBe(true);
  });

  it('consent lifecycle: received → valid → terminatedByTpp', async () => {
    const id = await bgConsent(bank, { authorise: false });
    const statusUrl = `${bank.url}/v1/consents/${id}/status`;
    expect(
      (await http<{ consentStatus: string }>(statusUrl, { headers: bgHeaders() })).body
        .consentStatus,
    ).toBe('received');
    const early = await http<TppError>(`${bank.url}/v1/accounts`, { headers: attended(id) });
    expect(early.status).toBe(401);
    expect(early.body.tppMessages[0]?.code).toBe('CONSENT_INVALID');
    await authorise(bank, { consentId: id, psu: 'alice' });
    expect(
      (await http<{ consentStatus: string }>(statusUrl, { headers: bgHeaders() })).body
        .consentStatus,
    ).toBe('valid');
    expect((await http(`${bank.url}/v1/accounts`, { headers: attended(id) })).status).toBe(200);
    const deleted = await http(`${bank.url}/v1/consents/${id}`, {
      method: 'DELETE',
      headers: bgHeaders(),
    });
    expect(deleted.status).toBe(204);
    expect(
      (await http<{ consentStatus: string }>(statusUrl, { headers: bgHeaders() })).body
        .consentStatus,
    ).toBe('terminatedByTpp');
    const late = await http<TppError>(`${bank.url}/v1/accounts`, { headers: attended(id) });
    expect(late.status).toBe(401);
    expect(late.body.tppMessages[0]?.code).toBe('CONSENT_INVALID');
  });

  it('requires X-Request-ID and Consent-ID, and echoes X-Request-ID', async () => {
    const noRequestId = await http<TppError>(`${bank.url}/v1/accounts`, {
      headers: { 'Consent-ID': consentId },
    });
    expect(noRequestId.status).toBe(400);
    expect(noRequestId.body.tppMessages[0]?.code).toBe('FORMAT_ERROR');
    const noConsent = await http<TppError>(`${bank.url}/v1/accounts`, { headers: bgHeaders() });
    expect(noConsent.status).toBe(400);
    const unknown = await http<TppError>(`${bank.url}/v1/accounts`, { headers: attended('nope') });
    expect(unknown.status).toBe(403);
    expect(unknown.body.tppMessages[0]?.code).toBe('CONSENT_UNKNOWN');
    const headers = attended(consentId);
    const echoed = await http(`${bank.url}/v1/accounts`, { headers });
    expect(echoed.headers.get('x-request-id')).toBe(headers['X-Request-ID']);
  });

  it('expired consent → 401 CONSENT_EXPIRED', async () => {
    const id = await bgConsent(bank, { validUntil: '2025-06-01' });
    expect((await http(`${bank.url}/v1/accounts`, { headers: attended(id) })).status).toBe(200);
    clock.advance(86_400_000);
    try {
      const res = await http<TppError>(`${bank.url}/v1/accounts`, { headers: attended(id) });
      expect(res.status).toBe(401);
      expect(res.body.tppMessages[0]?.code).toBe('CONSENT_EXPIRED');
      const status = await http<{ consentStatus: string }>(`${bank.url}/v1/consents/${id}/status`, {
        headers: bgHeaders(),
      });
      expect(status.body.consentStatus).toBe('expired');
    } finally {
      clock.advance(-86_400_000);
    }
  });

  it('dedicated consent: only the named accounts and services', async () => {
    const id = await bgConsent(bank, {
      access: { balances: [{ iban: current().iban }], transactions: [{ iban: savings().iban }] },
    });
    const listed = await http<AccountListBody>(`${bank.url}/v1/accounts`, {
      headers: attended(id),
    });
    expect(listed.body.accounts.map((a) => a.resourceId).sort()).toEqual(
      accounts.map((a) => a.accountId).sort(),
    );
    const base = `${bank.url}/v1/accounts`;
    expect(
      (await http(`${base}/${current().accountId}/balances`, { headers: attended(id) })).status,
    ).toBe(200);
    const noBalances = await http<TppError>(`${base}/${savings().accountId}/balances`, {
      headers: attended(id),
    });
    expect(noBalances.status).toBe(401);
    expect(noBalances.body.tppMessages[0]?.code).toBe('CONSENT_INVALID');
    const tx = `/transactions?dateFrom=2025-05-01&bookingStatus=booked`;
    expect(
      (await http(`${base}/${savings().accountId}${tx}`, { headers: attended(id) })).status,
    ).toBe(200);
    expect(
      (await http(`${base}/${current().accountId}${tx}`, { headers: attended(id) })).status,
    ).toBe(401);
    const bobs = (await psuAccounts(bank, 'bob'))[0]?.accountId ?? '';
    const foreign = await http<TppError>(`${base}/${bobs}/balances`, { headers: attended(id) });
    expect(foreign.status).toBe(404);
    expect(foreign.body.tppMessages[0]?.code).toBe('RESOURCE_UNKNOWN');
  });

  it('availableAccounts consent lists accounts and nothing else', async () => {
    const id = await bgConsent(bank, { access: { availableAccounts: 'allAccounts' } });
    expect((await http(`${bank.url}/v1/accounts`, { headers: attended(id) })).status).toBe(200);
    expect(
      (await http(`${bank.url}/v1/accounts/${current().accountId}`, { headers: attended(id) }))
        .status,
    ).toBe(401);
    expect(
      (
        await http(`${bank.url}/v1/accounts/${current().accountId}/balances`, {
          headers: attended(id),
        })
      ).status,
    ).toBe(401);
  });

  it('bank-offered consent: the PSU picks the accounts at the bank', async () => {
    const id = await bgConsent(bank, {
      access: { accounts: [], balances: [], transactions: [] },
      accountIds: [savings().accountId],
    });
    const listed = await http<AccountListBody>(`${bank.url}/v1/accounts`, {
      headers: attended(id),
    });
    expect(listed.body.accounts.map((a) => a.resourceId)).toEqual([savings().accountId]);
    const consent = await http<{ access: { balances: Array<{ iban: string }> } }>(
      `${bank.url}/v1/consents/${id}`,
      {
        headers: bgHeaders(),
      },
    );
    expect(consent.body.access.balances).toEqual([{ iban: savings().iban }]);
  });

  it('pages through every transaction exactly once by following _links.next', async () => {
    const { items, pages } = await followPages(
      `${bank.url}/v1/accounts/${current().accountId}/transactions?dateFrom=2000-01-01&bookingStatus=both`,
      () => attended(consentId),
      readTransactions,
    );
    expect(pages).toBe(15);
    expect(items).toHaveLength(1500);
    expect(new Set(items.map((t) => t.transactionId)).size).toBe(1500);
  });

  it('splits booked and pending, pending without a booking date', async () => {
    const url = `${bank.url}/v1/accounts/${current().accountId}/transactions?dateFrom=2025-05-25`;
    const both = await http<TransactionsBody>(`${url}&bookingStatus=both`, {
      headers: attended(consentId),
    });
    expect(both.body.transactions.booked?.length).toBeGreaterThan(0);
    expect(both.body.transactions.pending?.length).toBeGreaterThanOrEqual(3);
    expect(both.body.transactions.pending?.every((t) => t.bookingDate === undefined)).toBe(true);
    expect(both.body.transactions.booked?.every((t) => (t.bookingDate ?? '') >= '2025-05-25')).toBe(
      true,
    );
    const booked = await http<TransactionsBody>(`${url}&bookingStatus=booked`, {
      headers: attended(consentId),
    });
    expect(booked.body.transactions.pending).toBeUndefined();
    const pending = await http<TransactionsBody>(`${url}&bookingStatus=pending`, {
      headers: attended(consentId),
    });
    expect(pending.body.transactions.booked).toBeUndefined();
    expect(pending.body.transactions.pending).toEqual(both.body.transactions.pending);
  });

  it('signs debits, names merchants and counterparties', async () => {
    const res = await http<TransactionsBody>(
      `${bank.url}/v1/accounts/${current().accountId}/transactions?dateFrom=2025-01-01&dateTo=2025-03-31&bookingStatus=booked`,
      { headers: attended(consentId) },
    );
    const booked = res.body.transactions.booked ?? [];
    expect(
      booked.every(
        (t) => (t.bookingDate ?? '') >= '2025-01-01' && (t.bookingDate ?? '') <= '2025-03-31',
      ),
    ).toBe(true);
    const debits = booked.filter((t) => t.transactionAmount.amount.startsWith('-'));
    expect(debits.length).toBeGreaterThan(0);
    const cardPayments = debits.filter((t) => t.bankTransactionCode === 'PMNT-CCRD-POSD');
    expect(cardPayments.length).toBeGreaterThan(0);
    expect(cardPayments.every((t) => t.creditorName)).toBe(true);
    expect(
      booked.every(
        (t) =>
          t.transactionAmount.currency === 'EUR' &&
          /^-?\d+\.\d{2}$/.test(t.transactionAmount.amount),
      ),
    ).toBe(true);
    const withIban = booked.filter((t) => t.creditorAccount ?? t.debtorAccount);
    expect(withIban.length).toBeGreaterThan(0);
  });

  it('rejects a bad transaction query', async () => {
    const url = `${bank.url}/v1/accounts/${current().accountId}/transactions`;
    const noStatus = await http<TppError>(`${url}?dateFrom=2025-01-01`, {
      headers: attended(consentId),
    });
    expect(noStatus.body.tppMessages[0]?.code).toBe('FORMAT_ERROR');
    const period = await http<TppError>(
      `${url}?dateFrom=2025-02-01&dateTo=2025-01-01&bookingStatus=booked`,
      {
        headers: attended(consentId),
      },
    );
    expect(period.status).toBe(400);
    expect(period.body.tppMessages[0]?.code).toBe('PERIOD_INVALID');
  });
});

describe('Berlin Group frequencyPerDay', () => {
  const clock = new TestClock();
  let bank: SandboxBank;
  let accounts: PsuAccount[];

  beforeAll(async () => {
    bank = await startBank({ standard: 'berlin-group', transactionsPerAccount: 300 }, clock);
    accounts = await psuAccounts(bank, 'alice');
  });
  afterAll(() => bank.close());

  it('answers 429 ACCESS_EXCEEDED after frequencyPerDay unattended reads of an account', async () => {
    const id = await bgConsent(bank, { frequencyPerDay: 2 });
    const url = `${bank.url}/v1/accounts/${accounts[0]?.accountId}/balances`;
    const unattended = (): Record<string, string> => bgHeaders({ 'Consent-ID': id });
    expect((await http(url, { headers: unattended() })).status).toBe(200);
    expect((await http(`${url.replace('/balances', '')}`, { headers: unattended() })).status).toBe(
      200,
    );
    const exceeded = await http<TppError>(url, { headers: unattended() });
    expect(exceeded.status).toBe(429);
    expect(exceeded.body.tppMessages[0]?.code).toBe('ACCESS_EXCEEDED');
    expect(exceeded.headers.get('retry-after')).toBeNull();
    // Another account has its own budget.
    expect(
      (
        await http(url.replace(accounts[0]?.accountId ?? '', accounts[1]?.accountId ?? ''), {
          headers: unattended(),
        })
      ).status,
    ).toBe(200);
  });

  it('does not count reads with the PSU present (PSU-IP-Address)', async () => {
    const id = await bgConsent(bank, { frequencyPerDay: 1 });
    const url = `${bank.url}/v1/accounts/${accounts[0]?.accountId}/balances`;
    for (let i = 0; i < 5; i++) {
      const res = await http(url, {
        headers: bgHeaders({ 'Consent-ID': id, 'PSU-IP-Address': '192.0.2.10' }),
      });
      expect(res.status).toBe(200);
    }
    expect((await http(url, { headers: bgHeaders({ 'Consent-ID': id }) })).status).toBe(200);
    expect((await http(url, { headers: bgHeaders({ 'Consent-ID': id }) })).status).toBe(429);
  });

  it('counts a paged listing once and starts afresh the next day', async () => {
    const id = await bgConsent(bank, { frequencyPerDay: 1 });
    const first = `${bank.url}/v1/accounts/${accounts[0]?.accountId}/transactions?dateFrom=2000-01-01&bookingStatus=both`;
    const { items } = await followPages(
      first,
      () => bgHeaders({ 'Consent-ID': id }),
      readTransactions,
    );
    expect(items).toHaveLength(300);
    expect((await http(first, { headers: bgHeaders({ 'Consent-ID': id }) })).status).toBe(429);
    clock.advance(86_400_000);
    try {
      expect((await http(first, { headers: bgHeaders({ 'Consent-ID': id }) })).status).toBe(200);
    } finally {
      clock.advance(-86_400_000);
    }
  });

  it('rejects consents with an invalid body', async () => {
    const res = await postJson<TppError>(
      `${bank.url}/v1/consents`,
      {
        access: { balances: [{ iban: 'DE00000000000000000000' }] },
        recurringIndicator: true,
        validUntil: '2025-12-31',
        frequencyPerDay: 4,
      },
      bgHeaders(),
    );
    expect(res.status).toBe(400);
    expect(res.body.tppMessages[0]?.code).toBe('FORMAT_ERROR');
  });
});
