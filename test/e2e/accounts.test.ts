/**
 * Bank data through the federated graph: connections, both standards, paging, pending vs
 * booked, field and row visibility by consent, aggregation and transactionsSync.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followToCallback, loginAtBank } from '../support/bank-login.ts';
import { errorCodes, expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';

const perAccount = 40;
const full = [
  'ReadAccountsDetail',
  'ReadBalances',
  'ReadTransactionsDetail',
  'ReadTransactionsCredits',
  'ReadTransactionsDebits',
];

interface Tx {
  id: string;
  status: string;
  amount: string;
  currency: string;
  creditDebit: string;
  bookingDateTime: string;
  description?: string | null;
  counterparty?: string | null;
}
interface Page {
  edges: { cursor: string; node: Tx }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
interface AccountData {
  id: string;
  bank: { id: string; standard: string };
  balances: { type: string; amount: string; currency: string; creditDebit: string }[];
  transactions: Page;
}

const txFields = 'id status amount currency creditDebit bookingDateTime';

describe('accounts, balances and transactions from the banks, through the gateway', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({ SANDBOX_TRANSACTIONS_PER_ACCOUNT: String(perAccount) });
  });
  afterAll(() => t.stop());

  /** Every transaction of one account, page by page. */
  async function allPages(token: string, accountId: string, first: number, extra = '') {
    const seen: Tx[] = [];
    let after: string | null = null;
    for (let i = 0; i < 100; i++) {
      const res: Awaited<ReturnType<typeof t.execute<{ account: { transactions: Page } }>>> =
        await t.execute(
          token,
          `query($id: ID!, $first: Int!, $after: String) { account(id: $id) {
            transactions(first: $first, after: $after ${extra}) {
              edges { cursor node { ${txFields} } } pageInfo { hasNextPage endCursor } } } }`,
          { id: accountId, first, after },
        );
      expectNoErrors(res);
      const page = res.data!.account.transactions;
      seen.push(...page.edges.map((e) => e.node));
      if (!page.pageInfo.hasNextPage) return seen;
      after = page.pageInfo.endCursor;
    }
    throw new Error('too many pages');
  }

  it('lets a PSU connect a bank through the graph (the bank’s own login) and lists the connections', async () => {
    const psu = await t.testIdp.psuToken('carol');
    const banks = await t.execute<{ banks: { id: string; sandbox: boolean }[] }>(
      psu,
      '{ banks { id name standard sandbox } }',
    );
    expectNoErrors(banks);
    expect(banks.data!.banks.map((b) => b.id)).toEqual([
      'sandbox-obie',
      'sandbox-obie-v4',
      'sandbox-bg',
    ]);
    const before = await t.execute<{ accounts: { id: string; bankId: string }[] }>(
      psu,
      '{ accounts { id bankId } }',
    );
    const started = await t.execute<{
      connectBank: { connection: { id: string; status: string }; authorisationUrl: string };
    }>(
      psu,
      'mutation { connectBank(bankId: "sandbox-obie-v4") { connection { id status } bankConsentId authorisationUrl } }',
    );
    expectNoErrors(started);
    const { connection, authorisationUrl } = started.data!.connectBank;
    expect(connection.status).toBe('AwaitingAuthorisation');
    const back = await loginAtBank(t, 'sandbox-obie-v4', authorisationUrl, { username: 'carol' });
    expect((await followToCallback(back)).body).toMatchObject({ status: 'Active' });
    const completed = await t.execute<{
      bankConnections: {
        id: string;
        status: string;
        bank: { id: string };
        accounts: { id: string }[];
      }[];
    }>(psu, '{ bankConnections { id status bank { id } accounts { id } } }');
    expectNoErrors(completed);
    const done = completed.data!.bankConnections.find((c) => c.id === connection.id)!;
    expect(done).toMatchObject({ status: 'Active', bank: { id: 'sandbox-obie-v4' } });
    // The same bank accounts as the seeded connection had: same opaque ids, now under the new one.
    const v4Before = before.data!.accounts.filter((a) => a.bankId === 'sandbox-obie-v4');
    expect(done.accounts.map((a) => a.id).sort()).toEqual(v4Before.map((a) => a.id).sort());
    const listed = await t.execute<{
      bankConnections: { id: string; status: string; bank: { id: string } }[];
    }>(psu, '{ bankConnections { id status bank { id } } }');
    const v4 = listed.data!.bankConnections.filter((c) => c.bank.id === 'sandbox-obie-v4');
    expect(v4.map((c) => c.status).sort()).toEqual(['Active', 'Replaced']);
  });

  it('lets only the PSU manage bank connections', async () => {
    const client = await t.tokens.client();
    const c = await t.authorisedConsent({ permissions: ['ReadAccountsBasic'] });
    for (const token of [client, c.token]) {
      const res = await t.execute(
        token,
        'mutation { connectBank(bankId: "sandbox-bg") { bankConsentId } }',
      );
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      expect(errorCodes(await t.execute(token, '{ bankConnections { id } }'))).toEqual([
        'FORBIDDEN',
      ]);
    }
  });

  it('walks consent → accounts → balances → transactions at OBIE 3.1.11, OBIE 4.0 and Berlin Group', async () => {
    const c = await t.authorisedConsent({ permissions: full });
    const res = await t.execute<{ consent: { accounts: AccountData[] } }>(
      c.token,
      `query($id: ID!) { consent(id: $id) { accounts {
        id bank { id standard }
        balances { type amount currency creditDebit dateTime }
        transactions(first: 500) { edges { node { ${txFields} } } pageInfo { hasNextPage } }
      } } }`,
      { id: c.consentId },
    );
    expectNoErrors(res);
    const accounts = res.data!.consent.accounts;
    expect(new Set(accounts.map((a) => a.bank.id))).toEqual(
      new Set(['sandbox-obie', 'sandbox-obie-v4', 'sandbox-bg']),
    );
    for (const a of accounts) {
      expect(a.balances.length).toBeGreaterThan(0);
      for (const b of a.balances) expect(b.amount).toMatch(/^\d+\.\d{2}$/);
      const txs = a.transactions.edges.map((e) => e.node);
      expect(txs).toHaveLength(perAccount);
      expect(a.transactions.pageInfo.hasNextPage).toBe(false);
      for (const tx of txs) {
        expect(tx.amount).toMatch(/^\d+(\.\d+)?$/);
        expect(['Credit', 'Debit']).toContain(tx.creditDebit);
        expect(tx.currency).toBe(a.bank.standard === 'obie' ? 'GBP' : 'EUR');
      }
    }
    // Current accounts have card payments still pending, at every bank.
    for (const bank of ['sandbox-obie', 'sandbox-obie-v4', 'sandbox-bg']) {
      const statuses = accounts
        .filter((a) => a.bank.id === bank)
        .flatMap((a) => a.transactions.edges.map((e) => e.node.status));
      expect(new Set(statuses)).toEqual(new Set(['Booked', 'Pending']));
    }
  });

  it('aggregates every connected bank in the me view, with exact totals per currency', async () => {
    const c = await t.authorisedConsent({ permissions: full });
    const res = await t.execute<{
      me: {
        accounts: {
          id: string;
          balances: { type: string; amount: string; currency: string; creditDebit: string }[];
        }[];
        balanceTotals: { currency: string; amount: string; accountCount: number }[];
      };
    }>(
      c.token,
      '{ me { id accounts { id balances { type amount currency creditDebit } } balanceTotals { currency amount accountCount } } }',
    );
    expectNoErrors(res);
    const { accounts, balanceTotals } = res.data!.me;
    expect(accounts).toHaveLength(6);
    const expected = new Map<string, bigint>();
    for (const a of accounts) {
      const available = a.balances.find((b) => b.type === 'InterimAvailable')!;
      const cents = BigInt(available.amount.replace('.', ''));
      const signed = available.creditDebit === 'Debit' ? -cents : cents;
      expected.set(available.currency, (expected.get(available.currency) ?? 0n) + signed);
    }
    const asText = (v: bigint) =>
      `${v < 0n ? '-' : ''}${(v < 0n ? -v : v) / 100n}.${String((v < 0n ? -v : v) % 100n).padStart(2, '0')}`;
    expect(balanceTotals).toEqual([
      { currency: 'EUR', amount: asText(expected.get('EUR')!), accountCount: 2 },
      { currency: 'GBP', amount: asText(expected.get('GBP')!), accountCount: 4 },
    ]);
  });

  it('pages newest first with cursors; pages neither overlap nor leave gaps', async () => {
    const c = await t.authorisedConsent({
      permissions: full,
      accounts: (a) => a.bankId === 'sandbox-bg',
    });
    const [accountId] = c.accountIds;
    const paged = await allPages(c.token, accountId!, 7);
    const whole = await allPages(c.token, accountId!, 500);
    expect(whole).toHaveLength(perAccount);
    expect(paged.map((tx) => tx.id)).toEqual(whole.map((tx) => tx.id));
    expect(new Set(paged.map((tx) => tx.id)).size).toBe(perAccount);
    const times = paged.map((tx) => Date.parse(tx.bookingDateTime));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const tooMany = await t.execute(
      c.token,
      `query($id: ID!) { account(id: $id) { transactions(first: 501) { edges { cursor } } } }`,
      { id: accountId },
    );
    expect(errorCodes(tooMany)).toEqual(['BAD_USER_INPUT']);
  });

  it('shows description, counterparty and merchant only with ReadTransactionsDetail', async () => {
    const query = `{ accounts { transactions(first: 50) { edges { node { id amount description counterparty merchant { name categoryCode } } } } } }`;
    const basic = await t.authorisedConsent({
      permissions: [
        'ReadAccountsBasic',
        'ReadTransactionsBasic',
        'ReadTransactionsCredits',
        'ReadTransactionsDebits',
      ],
      accounts: (a) => a.bankId === 'sandbox-obie',
    });
    const res = await t.execute<{ accounts: { transactions: { edges: { node: Tx }[] } }[] }>(
      basic.token,
      query,
    );
    const nodes = res.data!.accounts.flatMap((a) => a.transactions.edges.map((e) => e.node));
    expect(nodes.length).toBeGreaterThan(0);
    for (const n of nodes) {
      expect(n.amount).toMatch(/^\d/);
      expect([n.description, n.counterparty, (n as { merchant?: unknown }).merchant]).toEqual([
        null,
        null,
        null,
      ]);
    }
    const denied = res.errors!.filter((e) => e.extensions?.code === 'FORBIDDEN');
    expect(new Set(denied.map((e) => e.path!.at(-1)))).toEqual(
      new Set(['description', 'counterparty', 'merchant']),
    );
    expect(errorCodes(res).every((c) => c === 'FORBIDDEN')).toBe(true);

    const detail = await t.authorisedConsent({
      permissions: full,
      accounts: (a) => a.bankId === 'sandbox-obie',
    });
    const shown = await t.execute<{
      accounts: {
        transactions: { edges: { node: Tx & { merchant: { name: string } | null } }[] };
      }[];
    }>(detail.token, query);
    expectNoErrors(shown);
    const detailed = shown.data!.accounts.flatMap((a) => a.transactions.edges.map((e) => e.node));
    expect(detailed.some((n) => n.description)).toBe(true);
    expect(detailed.some((n) => n.counterparty)).toBe(true);
    expect(detailed.some((n) => n.merchant?.name)).toBe(true);
  });

  it('never returns a debit row to a consent with Credits but not Debits', async () => {
    const everything = await t.authorisedConsent({ permissions: full });
    const credits = await t.authorisedConsent({
      permissions: ['ReadAccountsBasic', 'ReadTransactionsBasic', 'ReadTransactionsCredits'],
    });
    for (const accountId of everything.accountIds) {
      const all = await allPages(everything.token, accountId, 500);
      const only = await allPages(credits.token, accountId, 500);
      expect(only.every((tx) => tx.creditDebit === 'Credit')).toBe(true);
      expect(only.map((tx) => tx.id)).toEqual(
        all.filter((tx) => tx.creditDebit === 'Credit').map((tx) => tx.id),
      );
    }
    const sync = await t.execute<{ transactionsSync: { added: Tx[] } }>(
      credits.token,
      `{ transactionsSync(count: 500) { added { ${txFields} } } }`,
    );
    expectNoErrors(sync);
    expect(sync.data!.transactionsSync.added.length).toBeGreaterThan(0);
    expect(sync.data!.transactionsSync.added.every((tx) => tx.creditDebit === 'Credit')).toBe(true);
  });

  it('bounds transactions by the consent’s date window, intersected with the requested dates', async () => {
    const day = 86_400_000;
    const now = Date.now();
    const window = {
      from: new Date(now - 400 * day).toISOString(),
      to: new Date(now - 60 * day).toISOString(),
    };
    const everything = await t.authorisedConsent({
      permissions: full,
      accounts: (a) => a.bankId === 'sandbox-obie-v4',
    });
    const windowed = await t.authorisedConsent({
      permissions: full,
      window,
      accounts: (a) => a.bankId === 'sandbox-obie-v4',
    });
    const asked = {
      from: new Date(now - 500 * day).toISOString(),
      to: new Date(now - 200 * day).toISOString(),
    };
    for (const accountId of everything.accountIds) {
      const all = await allPages(everything.token, accountId, 500);
      const inWindow = await allPages(windowed.token, accountId, 500);
      const within = (tx: Tx, from: string, to: string) =>
        Date.parse(tx.bookingDateTime) >= Date.parse(from) &&
        Date.parse(tx.bookingDateTime) <= Date.parse(to);
      expect(inWindow.map((tx) => tx.id)).toEqual(
        all.filter((tx) => within(tx, window.from, window.to)).map((tx) => tx.id),
      );
      expect(inWindow.length).toBeLessThan(all.length);
      const both = await allPages(
        windowed.token,
        accountId,
        500,
        `, from: "${asked.from}", to: "${asked.to}"`,
      );
      expect(both.map((tx) => tx.id)).toEqual(
        all.filter((tx) => within(tx, window.from, asked.to)).map((tx) => tx.id),
      );
    }
  });

  it('bounds every answer by the accounts the PSU selected', async () => {
    const c = await t.authorisedConsent({ permissions: full, accounts: 'first' });
    const psu = await t.testIdp.psuToken();
    const mine = await t.execute<{ accounts: { id: string }[] }>(psu, '{ accounts { id } }');
    const others = mine.data!.accounts.map((a) => a.id).filter((id) => id !== c.accountIds[0]);
    const res = await t.execute<{
      me: { accounts: { id: string }[]; balanceTotals: { accountCount: number }[] };
      other: unknown;
      transactionsSync: { added: { accountId: string }[] };
    }>(
      c.token,
      `query($other: ID!) { me { accounts { id } balanceTotals { accountCount } }
        other: account(id: $other) { id transactions { edges { node { id } } } }
        transactionsSync(count: 500) { added { accountId } } }`,
      { other: others[0] },
    );
    expectNoErrors(res);
    expect(res.data!.me.accounts.map((a) => a.id)).toEqual(c.accountIds);
    expect(res.data!.me.balanceTotals.map((x) => x.accountCount)).toEqual([1]);
    expect(res.data!.other).toBeNull();
    expect(new Set(res.data!.transactionsSync.added.map((x) => x.accountId))).toEqual(
      new Set(c.accountIds),
    );
  });

  it('syncs: everything is added once, then nothing is new until the bank changes', async () => {
    const c = await t.authorisedConsent({ permissions: full });
    const query = `query($cursor: String) { transactionsSync(cursor: $cursor, count: 100) {
      added { id } modified { id } removed { id } nextCursor hasMore unavailableBankIds } }`;
    type Sync = {
      transactionsSync: {
        added: { id: string }[];
        modified: unknown[];
        removed: unknown[];
        nextCursor: string;
        hasMore: boolean;
        unavailableBankIds: string[];
      };
    };
    const added = new Set<string>();
    let cursor: string | null = null;
    for (let i = 0; i < 20; i++) {
      const res: Awaited<ReturnType<typeof t.execute<Sync>>> = await t.execute<Sync>(
        c.token,
        query,
        { cursor },
      );
      expectNoErrors(res);
      const s = res.data!.transactionsSync;
      expect(s.unavailableBankIds).toEqual([]);
      for (const a of s.added) added.add(a.id);
      cursor = s.nextCursor;
      if (!s.hasMore) break;
    }
    expect(added.size).toBe(6 * perAccount);
    const after = await t.execute<Sync>(c.token, query, { cursor });
    expect(after.data!.transactionsSync).toMatchObject({
      added: [],
      modified: [],
      removed: [],
      nextCursor: cursor,
      hasMore: false,
    });
  });
});
