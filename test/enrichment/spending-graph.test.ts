/**
 * Streams and spending on `me`, through the gateway against the sandbox banks: bounded by the
 * consent's accounts, window and directions, and by OBIE's Basic/Detail split.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';

const detail = ['ReadAccountsBasic', 'ReadTransactionsDetail'];
const both = [...detail, 'ReadTransactionsCredits', 'ReadTransactionsDebits'];

interface Stream {
  accountId: string;
  direction: string;
  name: string;
  frequency: string;
  status: string;
  currency: string;
  averageAmount: string;
  lastAmount: string;
  occurrences: number;
  transactionIds: string[];
}
interface Total {
  key: string | null;
  currency: string;
  amount: string;
  count: number;
}
interface Tx {
  id: string;
  status: string;
  amount: string;
  currency: string;
  creditDebit: string;
  bookingDateTime: string;
}

const streamFields =
  'accountId direction name frequency status currency averageAmount lastAmount occurrences transactionIds';
const cents = (amount: string) => Math.round(Number(amount) * 1000);

describe('recurring streams and spending through the graph', () => {
  let t: TestSystem;
  let c: Awaited<ReturnType<TestSystem['authorisedConsent']>>;
  beforeAll(async () => {
    // 240 a account: 15 % of them recurring, the most recent first — salary and a year of rent.
    t = await startTestSystem({ SANDBOX_TRANSACTIONS_PER_ACCOUNT: '240' });
    c = await t.authorisedConsent({ permissions: both });
  });
  afterAll(() => t.stop());

  async function transactionsOf(token: string, accountIds: string[]): Promise<Tx[]> {
    const out: Tx[] = [];
    for (const id of accountIds) {
      const res = await t.execute<{ account: { transactions: { edges: { node: Tx }[] } } }>(
        token,
        `query($id: ID!) { account(id: $id) { transactions(first: 500) {
          edges { node { id status amount currency creditDebit bookingDateTime } } } } }`,
        { id },
      );
      expectNoErrors(res);
      out.push(...res.data!.account.transactions.edges.map((e) => e.node));
    }
    return out;
  }

  it('finds salary and rent as monthly streams, only in the consent’s accounts', async () => {
    const res = await t.execute<{ me: { recurringStreams: Stream[] } }>(
      c.token,
      `{ me { recurringStreams { ${streamFields} } } }`,
    );
    expectNoErrors(res);
    const streams = res.data!.me.recurringStreams;
    expect(streams.every((s) => c.accountIds.includes(s.accountId))).toBe(true);
    expect(streams.every((s) => s.transactionIds.length === s.occurrences)).toBe(true);
    const salary = streams.filter(
      (s) =>
        s.direction === 'Credit' &&
        /SALARY|GEHALT|Ltd|plc|GmbH|AG/i.test(s.name) &&
        s.frequency === 'MONTHLY',
    );
    expect(salary.length).toBeGreaterThan(0);
    expect(salary.every((s) => s.status === 'ACTIVE' && s.averageAmount === s.lastAmount)).toBe(
      true,
    );
    const rent = streams.filter(
      (s) => s.direction === 'Debit' && s.frequency === 'MONTHLY' && s.occurrences >= 10,
    );
    expect(rent.length).toBeGreaterThan(0);

    const first = await t.authorisedConsent({ permissions: both, accounts: 'first' });
    const one = await t.execute<{ me: { recurringStreams: Stream[] } }>(
      first.token,
      '{ me { recurringStreams { accountId } } }',
    );
    expectNoErrors(one);
    expect(new Set(one.data!.me.recurringStreams.map((s) => s.accountId))).toEqual(
      new Set(first.accountIds),
    );
  });

  it('totals debits per month and currency exactly as the transactions add up', async () => {
    const res = await t.execute<{ me: { spending: Total[] } }>(
      c.token,
      '{ me { spending(groupBy: MONTH) { key currency amount count } } }',
    );
    expectNoErrors(res);
    const totals = res.data!.me.spending;
    const txs = await transactionsOf(c.token, c.accountIds);
    const expected = new Map<string, { sum: number; count: number }>();
    for (const tx of txs) {
      if (tx.status !== 'Booked' || tx.creditDebit !== 'Debit') continue;
      const key = `${tx.currency} ${tx.bookingDateTime.slice(0, 7)}`;
      const e = expected.get(key) ?? { sum: 0, count: 0 };
      expected.set(key, { sum: e.sum + cents(tx.amount), count: e.count + 1 });
    }
    expect(
      new Map(
        totals.map((r) => [`${r.currency} ${r.key}`, { sum: cents(r.amount), count: r.count }]),
      ),
    ).toEqual(expected);
    expect(new Set(totals.map((r) => r.currency)).size).toBeGreaterThan(1); // GBP and EUR apart
  });

  it('keeps to the consent’s window intersected with from/to', async () => {
    const now = new Date();
    const month = (back: number) =>
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    const key = (back: number) => month(back).toISOString().slice(0, 7);
    // The consent allows four months ago to the end of two months ago; the caller asks from three.
    const window = {
      from: month(4).toISOString(),
      to: new Date(month(1).getTime() - 1000).toISOString(),
    };
    const w = await t.authorisedConsent({ permissions: both, window });
    const res = await t.execute<{ me: { spending: Total[]; narrower: Total[] } }>(
      w.token,
      `query($later: DateTimeISO) { me {
        spending(groupBy: MONTH) { key }
        narrower: spending(groupBy: MONTH, from: $later) { key } } }`,
      { later: month(3).toISOString() },
    );
    expectNoErrors(res);
    const months = (rows: Total[]) => [...new Set(rows.map((r) => r.key))].sort();
    expect(months(res.data!.me.spending)).toEqual([key(4), key(3), key(2)]);
    expect(months(res.data!.me.narrower)).toEqual([key(3), key(2)]);
  });

  it('follows the direction permissions: no debits granted, no debit streams and no debit spending', async () => {
    const c = await t.authorisedConsent({ permissions: [...detail, 'ReadTransactionsCredits'] });
    const res = await t.execute<{ me: { recurringStreams: Stream[]; income: Total[] } }>(
      c.token,
      '{ me { recurringStreams { direction } income: spending(groupBy: CATEGORY, direction: Credit) { key currency amount } } }',
    );
    expectNoErrors(res);
    expect(res.data!.me.recurringStreams.length).toBeGreaterThan(0);
    expect(res.data!.me.recurringStreams.every((s) => s.direction === 'Credit')).toBe(true);
    expect(res.data!.me.income.map((r) => r.key)).toContain('INCOME');
    const debits = await t.execute(c.token, '{ me { spending(groupBy: MONTH) { amount } } }');
    expect(errorCodes(debits)).toEqual(['FORBIDDEN']);
  });

  it('follows Basic vs Detail: streams and merchants need Detail, categories come from bank codes', async () => {
    const b = await t.authorisedConsent({
      permissions: ['ReadAccountsBasic', 'ReadTransactionsBasic', 'ReadTransactionsDebits'],
    });
    expect(errorCodes(await t.execute(b.token, '{ me { recurringStreams { name } } }'))).toEqual([
      'FORBIDDEN',
    ]);
    expect(
      errorCodes(await t.execute(b.token, '{ me { spending(groupBy: MERCHANT) { key } } }')),
    ).toEqual(['FORBIDDEN']);
    const basic = await t.execute<{ me: { spending: Total[] } }>(
      b.token,
      '{ me { spending(groupBy: DETAILED_CATEGORY) { key amount } } }',
    );
    expectNoErrors(basic);
    const rich = await t.execute<{ me: { spending: Total[]; merchants: Total[] } }>(
      c.token,
      '{ me { spending(groupBy: DETAILED_CATEGORY) { key amount } merchants: spending(groupBy: MERCHANT) { key } } }',
    );
    expectNoErrors(rich);
    // Detail names groceries (merchant dictionary, MCC); Basic's bank codes cannot.
    expect(rich.data!.me.spending.map((r) => r.key)).toContain('FOOD_AND_DRINK_GROCERIES');
    expect(basic.data!.me.spending.map((r) => r.key)).not.toContain('FOOD_AND_DRINK_GROCERIES');
    expect(rich.data!.me.merchants.some((r) => r.key !== null)).toBe(true);
    const none = await t.authorisedConsent({ permissions: ['ReadAccountsBasic'] });
    expect(
      errorCodes(await t.execute(none.token, '{ me { spending(groupBy: MONTH) { key } } }')),
    ).toEqual(['FORBIDDEN']);
  });
  it('totals by category as Transaction.category shows them, the PSU’s corrections included', async () => {
    const txs = await transactionsOf(c.token, c.accountIds.slice(0, 1));
    const tx = txs.find((x) => x.status === 'Booked' && x.creditDebit === 'Debit')!;
    const corrected = await t.execute(
      c.token,
      'mutation($id: ID!) { setTransactionCategory(transactionId: $id, category: "ENTERTAINMENT_GAMES") { id } }',
      { id: tx.id },
    );
    expectNoErrors(corrected);
    const res = await t.execute<{ me: { spending: Total[] } }>(
      c.token,
      '{ me { spending(groupBy: DETAILED_CATEGORY) { key currency amount count } } }',
    );
    expectNoErrors(res);
    // The PSU's model learns from the correction too: the same rows Transaction.category
    // now files under the corrected category, and no others.
    const shown: (Tx & { category: { detailed: string } })[] = [];
    for (const id of c.accountIds) {
      const page = await t.execute<{
        account: { transactions: { edges: { node: (typeof shown)[number] }[] } };
      }>(
        c.token,
        `query($id: ID!) { account(id: $id) { transactions(first: 500) {
          edges { node { id status amount currency creditDebit bookingDateTime category { detailed } } } } } }`,
        { id },
      );
      expectNoErrors(page);
      shown.push(...page.data!.account.transactions.edges.map((e) => e.node));
    }
    const games = shown.filter(
      (x) =>
        x.status === 'Booked' &&
        x.creditDebit === 'Debit' &&
        x.category.detailed === 'ENTERTAINMENT_GAMES',
    );
    expect(games.map((x) => x.id)).toContain(tx.id);
    const expected = new Map<string, { sum: number; count: number }>();
    for (const x of games) {
      const e = expected.get(x.currency) ?? { sum: 0, count: 0 };
      expected.set(x.currency, { sum: e.sum + cents(x.amount), count: e.count + 1 });
    }
    const rows = res.data!.me.spending.filter((r) => r.key === 'ENTERTAINMENT_GAMES');
    expect(
      new Map(rows.map((r) => [r.currency, { sum: cents(r.amount), count: r.count }])),
    ).toEqual(expected);
  });
});
