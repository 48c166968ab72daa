/**
 * Bank calls under load and failure, through the gateway: one call per bank per resource
 * kind however many accounts, the freshness window, and one failing bank (down, rate
 * limiting, hanging, talking nonsense) leaving the others' data intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';

const accountsPerPsu = 5;
const full = [
  'ReadAccountsBasic',
  'ReadBalances',
  'ReadTransactionsBasic',
  'ReadTransactionsCredits',
  'ReadTransactionsDebits',
];
const obie = { v3: '/open-banking/v3.1/aisp', v4: '/open-banking/v4.0/aisp' };

interface Answer {
  me: {
    accounts: {
      id: string;
      bank: { id: string };
      balances: { amount: string }[] | null;
      transactions: { edges: { node: { id: string } }[] } | null;
    }[];
    balanceTotals: { currency: string; amount: string }[] | null;
  };
}
const dashboard = `{ me { accounts { id bank { id }
  balances { amount } transactions(first: 3) { edges { node { id } } } }
  balanceTotals { currency amount } } }`;

describe('bank calls: batching, freshness and failures, through the gateway', () => {
  let t: TestSystem;
  const banks = () =>
    ['sandbox-obie', 'sandbox-obie-v4', 'sandbox-bg'].map((id) => t.sandboxBank(id));
  beforeAll(async () => {
    t = await startTestSystem({
      SANDBOX_ACCOUNTS_PER_PSU: String(accountsPerPsu),
      SANDBOX_TRANSACTIONS_PER_ACCOUNT: '12',
      BANK_TIMEOUT_MS: '2000',
      BANK_UNATTENDED_READS_PER_DAY: '50',
    });
  });
  afterAll(() => t.stop());

  /** Errors of the answer by the bank of the account at their path. */
  function failures(res: Awaited<ReturnType<typeof t.execute<Answer>>>) {
    return (res.errors ?? []).map((e) => ({
      path: e.path?.filter((p) => typeof p === 'string').join('.'),
      code: e.extensions?.code,
      bankId: e.extensions?.bankId,
      reason: e.extensions?.reason,
    }));
  }

  it('makes at most one bank call per bank and resource kind for a whole request, and none while fresh', async () => {
    const c = await t.authorisedConsent({ permissions: full });
    expect(c.accountIds).toHaveLength(3 * accountsPerPsu);
    for (const b of banks()) b.resetCallCount();
    // Two paths to the same accounts: the gateway asks the accounts subgraph twice, at once.
    const res = await t.execute<Answer>(
      c.token,
      `query($id: ID!) { ${dashboard.slice(1, -1)}
        consent(id: $id) { accounts { balances { amount } transactions(first: 1) { edges { node { id } } } } } }`,
      { id: c.consentId },
    );
    expectNoErrors(res);
    expect(res.data!.me.accounts).toHaveLength(3 * accountsPerPsu);
    for (const a of res.data!.me.accounts) {
      expect(a.balances!.length).toBeGreaterThan(0);
      expect(a.transactions!.edges.length).toBeGreaterThan(0);
    }
    const [v3, v4, bg] = banks() as [
      ReturnType<TestSystem['sandboxBank']>,
      ReturnType<TestSystem['sandboxBank']>,
      ReturnType<TestSystem['sandboxBank']>,
    ];
    for (const [bank, base] of [
      [v3, obie.v3],
      [v4, obie.v4],
    ] as const) {
      expect(bank.callCount({ pathPrefix: `${base}/balances` })).toBe(1);
      expect(bank.callCount({ pathPrefix: `${base}/transactions` })).toBe(1);
      expect(bank.callCount()).toBe(2);
    }
    // Berlin Group: balances come with the account list (withBalance=true); transactions have
    // no bulk endpoint in the standard, so it is one listing per account.
    expect(bg.callCount()).toBe(1 + accountsPerPsu);

    for (const b of banks()) b.resetCallCount();
    expectNoErrors(await t.execute<Answer>(c.token, dashboard));
    expect(banks().map((b) => b.callCount())).toEqual([0, 0, 0]);
  });

  it('waits out a short 429 Retry-After and answers', async () => {
    const c = await t.authorisedConsent({
      permissions: full,
      psu: ['carol', 'carol-sandbox'],
      accounts: (a) => a.bankId === 'sandbox-bg',
    });
    const bg = t.sandboxBank('sandbox-bg');
    bg.setFaults({ failNext: [{ status: 429, headers: { 'retry-after': '1' } }] });
    const started = Date.now();
    const res = await t.execute<Answer>(c.token, '{ me { accounts { balances { amount } } } }');
    expectNoErrors(res);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(res.data!.me.accounts.every((a) => a.balances!.length > 0)).toBe(true);
  });

  it('a bank asking to wait too long: RATE_LIMITED with its id and Retry-After; the other banks answer', async () => {
    const c = await t.authorisedConsent({ permissions: full, psu: ['carol', 'carol-sandbox'] });
    const bg = t.sandboxBank('sandbox-bg');
    bg.setFaults({ failNext: [{ status: 429, headers: { 'retry-after': '120' } }] });
    const res = await t.execute<Answer>(
      c.token,
      '{ me { accounts { bank { id } transactions(first: 1) { edges { node { id } } } } } }',
    );
    bg.resetFaults();
    const accounts = res.data!.me.accounts;
    const bgAccounts = accounts.filter((a) => a.bank.id === 'sandbox-bg');
    expect(bgAccounts.length).toBeGreaterThan(0);
    // The first Berlin Group listing was refused; the failure is that bank's alone.
    expect(bgAccounts.some((a) => a.transactions === null)).toBe(true);
    for (const a of accounts.filter((x) => x.bank.id !== 'sandbox-bg'))
      expect(a.transactions).not.toBeNull();
    const limited = (res.errors ?? []).filter((e) => e.extensions?.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThan(0);
    for (const e of limited) {
      expect(e.extensions).toMatchObject({
        bankId: 'sandbox-bg',
        reason: 'rate_limited',
        retryAfterSeconds: 120,
      });
    }
  });

  it('malformed bank JSON: a clear error for that bank, and nothing stored', async () => {
    const c = await t.authorisedConsent({ permissions: full, psu: ['bob', 'bob-sandbox'] });
    const bank = t.sandboxBank('sandbox-obie');
    bank.setFaults({ malformed: true });
    let res;
    try {
      res = await t.execute<Answer>(
        c.token,
        '{ me { accounts { id bank { id } transactions(first: 1) { edges { node { id } } } } } }',
      );
    } finally {
      bank.resetFaults();
    }
    const broken = res.data!.me.accounts.filter((a) => a.bank.id === 'sandbox-obie');
    expect(broken.length).toBe(accountsPerPsu);
    expect(broken.every((a) => a.transactions === null)).toBe(true);
    expect(
      res
        .data!.me.accounts.filter((a) => a.bank.id !== 'sandbox-obie')
        .every((a) => a.transactions !== null),
    ).toBe(true);
    expect(new Set(failures(res).map((f) => `${f.code} ${f.bankId} ${f.reason}`))).toEqual(
      new Set(['UPSTREAM_UNAVAILABLE sandbox-obie malformed_response']),
    );
    const stored = await t.system.db.accounts.transaction.count({
      where: { accountId: { in: broken.map((a) => a.id) } },
    });
    expect(stored).toBe(0);
  });

  it('a hanging bank times out: UPSTREAM_UNAVAILABLE (timeout) for its accounts, the others arrive', async () => {
    const c = await t.authorisedConsent({ permissions: full, psu: ['bob', 'bob-sandbox'] });
    const bank = t.sandboxBank('sandbox-obie');
    bank.setFaults({ hang: true });
    let res;
    try {
      res = await t.execute<Answer>(
        c.token,
        '{ me { accounts { id bank { id } balances { amount } } } }',
      );
    } finally {
      bank.resetFaults();
    }
    for (const a of res.data!.me.accounts) {
      if (a.bank.id === 'sandbox-obie') expect(a.balances).toBeNull();
      else expect(a.balances!.length).toBeGreaterThan(0);
    }
    expect(
      new Set(failures(res).map((f) => `${f.path} ${f.code} ${f.bankId} ${f.reason}`)),
    ).toEqual(new Set(['me.accounts.balances UPSTREAM_UNAVAILABLE sandbox-obie timeout']));
  });

  it('one bank down: its parts are null with UPSTREAM_UNAVAILABLE and its id; the totals refuse to be partial', async () => {
    const c = await t.authorisedConsent({ permissions: full, psu: ['bob', 'bob-sandbox'] });
    const down = t.sandboxBank('sandbox-obie-v4');
    down.setFaults({ errorRate: 1 });
    // Past the freshness window of what the earlier tests fetched (the token is already out).
    t.clock.offsetMs = 10 * 60_000;
    let res;
    try {
      res = await t.execute<Answer>(c.token, dashboard);
    } finally {
      t.clock.offsetMs = 0;
      down.resetFaults();
    }
    const accounts = res.data!.me.accounts;
    expect(accounts).toHaveLength(3 * accountsPerPsu);
    for (const a of accounts) {
      if (a.bank.id === 'sandbox-obie-v4') {
        expect([a.balances, a.transactions]).toEqual([null, null]);
      } else {
        expect(a.balances!.length).toBeGreaterThan(0);
        expect(a.transactions).not.toBeNull();
      }
    }
    expect(res.data!.me.balanceTotals).toBeNull();
    const seen = failures(res);
    expect(new Set(seen.map((f) => `${f.path} ${f.code} ${f.bankId}`))).toEqual(
      new Set([
        'me.accounts.balances UPSTREAM_UNAVAILABLE sandbox-obie-v4',
        'me.accounts.transactions UPSTREAM_UNAVAILABLE sandbox-obie-v4',
        'me.balanceTotals UPSTREAM_UNAVAILABLE sandbox-obie-v4',
      ]),
    );
  });
});
