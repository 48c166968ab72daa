import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxBank } from '../../src/sandbox/index.js';
import {
  authorise,
  clientToken,
  followPages,
  http,
  obieSession,
  postJson,
  psuAccounts,
  startBank,
  type ObieSession,
  type PsuAccount,
} from './helpers.js';
import {
  readTransactions,
  type AccountsBody,
  type BalancesBody,
  type ErrorBody,
  type TransactionsBody,
} from './obie-shapes.js';

describe('OBIE 3.1.11 sandbox bank: data and permissions', () => {
  let bank: SandboxBank;
  let full: ObieSession;
  let accounts: PsuAccount[];

  beforeAll(async () => {
    bank = await startBank({ standard: 'obie' });
    full = await obieSession(bank);
    accounts = await psuAccounts(bank, 'alice');
  });
  afterAll(() => bank.close());

  const current = (): string => accounts[0]?.accountId ?? '';

  it('pages through every transaction exactly once by following Links.Next', async () => {
    const { items, pages } = await followPages(
      `${full.base}/accounts/${current()}/transactions`,
      () => full.headers,
      readTransactions,
    );
    expect(pages).toBe(15);
    expect(items).toHaveLength(1500);
    expect(new Set(items.map((t) => t.TransactionId)).size).toBe(1500);
    const times = items.map((t) => Date.parse(t.BookingDateTime));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('paging links: Self, First, Prev, Next, Last and Meta.TotalPages', async () => {
    const res = await http<TransactionsBody>(
      `${full.base}/accounts/${current()}/transactions?page=2`,
      {
        headers: full.headers,
      },
    );
    expect(res.body.Meta.TotalPages).toBe(15);
    expect(res.body.Data.Transaction).toHaveLength(100);
    const links = res.body.Links;
    expect(links.Self).toBe(`${full.base}/accounts/${current()}/transactions?page=2`);
    expect(new URL(links.First ?? '').searchParams.get('page')).toBe('1');
    expect(new URL(links.Prev ?? '').searchParams.get('page')).toBe('1');
    expect(new URL(links.Next ?? '').searchParams.get('page')).toBe('3');
    expect(new URL(links.Last ?? '').searchParams.get('page')).toBe('15');
    const beyond = await http(`${full.base}/accounts/${current()}/transactions?page=16`, {
      headers: full.headers,
    });
    expect(beyond.status).toBe(400);
  });

  it('bulk /transactions covers every consented account once', async () => {
    const { items } = await followPages(
      `${full.base}/transactions`,
      () => full.headers,
      readTransactions,
    );
    expect(items).toHaveLength(3000);
    expect(new Set(items.map((t) => t.AccountId))).toEqual(
      new Set(accounts.map((a) => a.accountId)),
    );
  });

  it('keeps filters on Next links and honours from/toBookingDateTime', async () => {
    const from = '2025-03-01T00:00:00';
    const to = '2025-04-01T00:00:00';
    const { items } = await followPages(
      `${full.base}/transactions?fromBookingDateTime=${from}&toBookingDateTime=${to}`,
      () => full.headers,
      readTransactions,
    );
    expect(items.length).toBeGreaterThan(100);
    for (const t of items) {
      expect(Date.parse(t.BookingDateTime)).toBeGreaterThanOrEqual(Date.parse(`${from}Z`));
      expect(Date.parse(t.BookingDateTime)).toBeLessThanOrEqual(Date.parse(`${to}Z`));
    }
  });

  it('returns booked and a few pending transactions in the last days', async () => {
    const res = await http<TransactionsBody>(`${full.base}/accounts/${current()}/transactions`, {
      headers: full.headers,
    });
    const statuses = new Set(res.body.Data.Transaction.map((t) => t.Status));
    expect(statuses).toEqual(new Set(['Booked', 'Pending']));
    const pending = res.body.Data.Transaction.filter((t) => t.Status === 'Pending');
    expect(pending.length).toBeGreaterThanOrEqual(3);
    expect(pending.every((t) => t.BookingDateTime >= '2025-05-30')).toBe(true);
  });

  it('balances agree with the running balance of the newest booked transaction', async () => {
    const balances = await http<BalancesBody>(`${full.base}/accounts/${current()}/balances`, {
      headers: full.headers,
    });
    const booked = balances.body.Data.Balance.find((b) => b.Type === 'InterimBooked');
    const transactions = await http<TransactionsBody>(
      `${full.base}/accounts/${current()}/transactions`,
      {
        headers: full.headers,
      },
    );
    const newest = transactions.body.Data.Transaction.find((t) => t.Status === 'Booked');
    expect(booked?.Amount.Amount).toBe(newest?.Balance?.Amount.Amount);
    const all = await http<BalancesBody>(`${full.base}/balances`, { headers: full.headers });
    expect(all.body.Data.Balance).toHaveLength(4);
  });

  it('no ReadBalances → 403 on both balance endpoints', async () => {
    const session = await obieSession(bank, { permissions: ['ReadAccountsDetail'] });
    for (const path of [`/accounts/${current()}/balances`, '/balances']) {
      const res = await http<ErrorBody>(`${session.base}${path}`, { headers: session.headers });
      expect(res.status).toBe(403);
      expect(res.body.Errors[0]?.Message).toMatch(/ReadBalances/);
    }
    const transactions = await http(`${session.base}/transactions`, { headers: session.headers });
    expect(transactions.status).toBe(403);
  });

  it('Basic permissions withhold account identification and transaction details', async () => {
    const basic = await obieSession(bank, {
      permissions: [
        'ReadAccountsBasic',
        'ReadTransactionsBasic',
        'ReadTransactionsCredits',
        'ReadTransactionsDebits',
      ],
    });
    const accountsBasic = await http<AccountsBody>(`${basic.base}/accounts`, {
      headers: basic.headers,
    });
    expect(
      accountsBasic.body.Data.Account.every(
        (a) => a.Account === undefined && a.Servicer === undefined,
      ),
    ).toBe(true);
    const accountsDetail = await http<AccountsBody>(`${full.base}/accounts`, {
      headers: full.headers,
    });
    expect(
      accountsDetail.body.Data.Account.every((a) => Array.isArray(a.Account) && a.Servicer),
    ).toBe(true);

    const page = await http<TransactionsBody>(`${basic.base}/accounts/${current()}/transactions`, {
      headers: basic.headers,
    });
    for (const t of page.body.Data.Transaction) {
      expect(t.TransactionInformation).toBeUndefined();
      expect(t.MerchantDetails).toBeUndefined();
      expect(t.Balance).toBeUndefined();
      expect(t.CreditorAccount ?? t.DebtorAccount).toBeUndefined();
    }
    const detail = await http<TransactionsBody>(`${full.base}/accounts/${current()}/transactions`, {
      headers: full.headers,
    });
    expect(detail.body.Data.Transaction.every((t) => t.TransactionInformation)).toBe(true);
    expect(detail.body.Data.Transaction.some((t) => t.MerchantDetails?.MerchantCategoryCode)).toBe(
      true,
    );
  });

  it.each([
    ['ReadTransactionsCredits', 'Credit'],
    ['ReadTransactionsDebits', 'Debit'],
  ])('%s returns only %s entries', async (permission, indicator) => {
    const session = await obieSession(bank, {
      permissions: ['ReadAccountsBasic', 'ReadTransactionsDetail', permission],
    });
    const { items } = await followPages(
      `${session.base}/accounts/${current()}/transactions`,
      () => session.headers,
      readTransactions,
    );
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((t) => t.CreditDebitIndicator === indicator)).toBe(true);
  });

  it('the consent transaction window bounds every answer, whatever the query asks', async () => {
    const session = await obieSession(bank, {
      data: {
        TransactionFromDateTime: '2025-01-01T00:00:00Z',
        TransactionToDateTime: '2025-01-31T23:59:59Z',
      },
    });
    const wide = await followPages(
      `${session.base}/accounts/${current()}/transactions?fromBookingDateTime=2020-01-01`,
      () => session.headers,
      readTransactions,
    );
    expect(wide.items.length).toBeGreaterThan(20);
    expect(
      wide.items.every(
        (t) => t.BookingDateTime >= '2025-01-01' && t.BookingDateTime < '2025-02-01',
      ),
    ).toBe(true);
    const narrow = await followPages(
      `${session.base}/accounts/${current()}/transactions?fromBookingDateTime=2025-01-10&toBookingDateTime=2025-01-12`,
      () => session.headers,
      readTransactions,
    );
    expect(
      narrow.items.every(
        (t) => t.BookingDateTime >= '2025-01-10' && t.BookingDateTime <= '2025-01-12',
      ),
    ).toBe(true);
  });

  it('only the accounts the PSU selected are visible', async () => {
    const session = await obieSession(bank, { accountIds: [accounts[1]?.accountId ?? ''] });
    const listed = await http<AccountsBody>(`${session.base}/accounts`, {
      headers: session.headers,
    });
    expect(listed.body.Data.Account.map((a) => a.AccountId)).toEqual([accounts[1]?.accountId]);
    const other = await http<ErrorBody>(`${session.base}/accounts/${current()}/transactions`, {
      headers: session.headers,
    });
    expect(other.status).toBe(403);
    expect(other.body.Errors[0]?.ErrorCode).toBe('UK.OBIE.Resource.NotFound');
    const bobs = (await psuAccounts(bank, 'bob'))[0]?.accountId ?? '';
    expect(
      (await http(`${session.base}/accounts/${bobs}`, { headers: session.headers })).status,
    ).toBe(403);
    const bulk = await http<TransactionsBody>(`${session.base}/transactions`, {
      headers: session.headers,
    });
    expect(bulk.body.Data.Transaction.every((t) => t.AccountId === accounts[1]?.accountId)).toBe(
      true,
    );
  });

  it("a PSU cannot authorise another PSU's accounts", async () => {
    const token = await clientToken(bank, 'accounts');
    const created = await postJson<{ Data: { ConsentId: string } }>(
      `${full.base}/account-access-consents`,
      { Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} },
      { authorization: `Bearer ${token}` },
    );
    const res = await authorise(bank, {
      consentId: created.body.Data.ConsentId,
      psu: 'bob',
      accountIds: [current()],
    });
    expect(res.status).toBe(400);
  });
});

describe('OBIE determinism over HTTP', () => {
  it('same seed → byte-identical data; different seed → different data', async () => {
    const banks = await Promise.all([
      startBank({ standard: 'obie', transactionsPerAccount: 300 }),
      startBank({ standard: 'obie', transactionsPerAccount: 300 }),
      startBank({ standard: 'obie', transactionsPerAccount: 300, seed: 7 }),
    ]);
    try {
      const dataOf = async (bank: SandboxBank): Promise<string> => {
        const session = await obieSession(bank);
        const res = await http<TransactionsBody>(`${session.base}/transactions?page=2`, {
          headers: session.headers,
        });
        const accountsRes = await http<AccountsBody>(`${session.base}/accounts`, {
          headers: session.headers,
        });
        return JSON.stringify([accountsRes.body.Data, res.body.Data]);
      };
      const [a, b, c] = await Promise.all(banks.map(dataOf));
      expect(a).toBe(b);
      expect(a).not.toBe(c);
    } finally {
      await Promise.all(banks.map((bank) => bank.close()));
    }
  });
});
