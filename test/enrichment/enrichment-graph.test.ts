/**
 * Transaction.category and Transaction.merchant through the gateway: what each consent's
 * permissions show (Basic/Detail, Credits/Debits), corrections and rules, and their audit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAudit } from '../../src/shared/audit/index.ts';
import { errorCodes, expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';

const perAccount = 40;
const full = [
  'ReadAccountsDetail',
  'ReadTransactionsDetail',
  'ReadTransactionsCredits',
  'ReadTransactionsDebits',
];
const basic = [
  'ReadAccountsBasic',
  'ReadTransactionsBasic',
  'ReadTransactionsCredits',
  'ReadTransactionsDebits',
];

interface Category {
  primary: string;
  detailed: string;
  confidence: number;
  reason: string;
}
interface Node {
  id: string;
  creditDebit: string;
  description: string | null;
  category: Category | null;
  merchant: { id: string | null; name: string | null; categoryCode: string | null } | null;
}
type Accounts = { accounts: { transactions: { edges: { node: Node }[] } }[] };

const listing = (fields: string) =>
  `{ accounts { transactions(first: 500) { edges { node { id creditDebit ${fields} } } } } }`;
const withDetail = listing(
  'description category { primary detailed confidence reason } merchant { id name categoryCode }',
);
const withBasic = listing('category { primary detailed confidence reason }');

const bankDerived = new Set(['BANK_TRANSACTION_CODE', 'DEFAULT']);

let t: TestSystem;
let detail: Awaited<ReturnType<TestSystem['authorisedConsent']>>;
let basicOnly: Awaited<ReturnType<TestSystem['authorisedConsent']>>;

async function nodes(token: string, query: string) {
  const res = await t.execute<Accounts>(token, query);
  return { res, nodes: res.data!.accounts.flatMap((a) => a.transactions.edges.map((e) => e.node)) };
}

const setCategory = `mutation($id: ID!, $c: String!) {
  setTransactionCategory(transactionId: $id, category: $c) { id category { detailed reason confidence } }
}`;

beforeAll(async () => {
  t = await startTestSystem({ SANDBOX_TRANSACTIONS_PER_ACCOUNT: String(perAccount) });
  const obie = (a: { bankId: string }) => a.bankId === 'sandbox-obie';
  detail = await t.authorisedConsent({ permissions: full, accounts: obie });
  basicOnly = await t.authorisedConsent({ permissions: basic, accounts: obie });
});
afterAll(() => t.stop());

describe('categories and merchants by permission', () => {
  it('Detail: every transaction has a category; card payments a clean merchant with a stable id', async () => {
    const { res, nodes: all } = await nodes(detail.token, withDetail);
    expectNoErrors(res);
    expect(all.length).toBeGreaterThan(0);
    for (const n of all) {
      expect(n.category!.detailed.startsWith(`${n.category!.primary}_`)).toBe(true);
      expect(n.category!.confidence).toBeGreaterThan(0);
      expect(n.category!.confidence).toBeLessThanOrEqual(1);
    }
    const cards = all.filter((n) => n.merchant?.categoryCode);
    expect(cards.length).toBeGreaterThan(0);
    for (const c of cards) {
      expect(c.merchant!.id).toMatch(/^mer_[\w-]{16}$/);
      expect(c.merchant!.name).not.toMatch(/\d/);
      expect(['MERCHANT_DICTIONARY', 'MERCHANT_CATEGORY_CODE']).toContain(c.category!.reason);
    }
    // One merchant, one id: the same name always maps to the same id.
    const idsByName = new Map<string, Set<string>>();
    for (const c of cards) {
      const ids = idsByName.get(c.merchant!.name!) ?? new Set();
      idsByName.set(c.merchant!.name!, ids.add(c.merchant!.id!));
    }
    for (const ids of idsByName.values()) expect(ids.size).toBe(1);
  });

  it('Basic: the category comes from the bank transaction code alone and no merchant is shown', async () => {
    const { res, nodes: all } = await nodes(basicOnly.token, `${withBasic}`);
    expectNoErrors(res);
    expect(all.length).toBeGreaterThan(0);
    for (const n of all) expect(bankDerived).toContain(n.category!.reason);
    expect(all.some((n) => n.category!.reason === 'BANK_TRANSACTION_CODE')).toBe(true);

    const asked = await t.execute<Accounts>(
      basicOnly.token,
      listing('category { reason } merchant { id name }'),
    );
    const denied = asked.errors!.filter((e) => e.extensions?.code === 'FORBIDDEN');
    expect(new Set(denied.map((e) => e.path!.at(-1)))).toEqual(new Set(['merchant']));
    expect(errorCodes(asked).every((c) => c === 'FORBIDDEN')).toBe(true);
  });

  it('Credits only: categories of credit rows only, and no debit can be corrected', async () => {
    const credits = await t.authorisedConsent({
      permissions: ['ReadAccountsBasic', 'ReadTransactionsDetail', 'ReadTransactionsCredits'],
      accounts: (a) => a.bankId === 'sandbox-obie',
    });
    const { res, nodes: seen } = await nodes(credits.token, withDetail);
    expectNoErrors(res);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((n) => n.creditDebit === 'Credit' && n.category)).toBe(true);
    const debit = (await nodes(detail.token, withDetail)).nodes.find(
      (n) => n.creditDebit === 'Debit',
    )!;
    const refused = await t.execute(credits.token, setCategory, {
      id: debit.id,
      c: 'FOOD_AND_DRINK_COFFEE',
    });
    expect(errorCodes(refused)).toEqual(['NOT_FOUND']);
  });
});

describe('corrections', () => {
  it('a correction wins over the defaults, in Detail only; Basic keeps the bank-code category', async () => {
    const { nodes: all } = await nodes(detail.token, withDetail);
    const target = all.find((n) => n.category!.detailed !== 'ENTERTAINMENT_GAMES')!;
    const res = await t.execute<{ setTransactionCategory: { category: Category } }>(
      detail.token,
      setCategory,
      { id: target.id, c: 'ENTERTAINMENT_GAMES' },
    );
    expectNoErrors(res);
    expect(res.data!.setTransactionCategory.category).toMatchObject({
      detailed: 'ENTERTAINMENT_GAMES',
      reason: 'PSU_CORRECTION',
      confidence: 1,
    });
    const again = (await nodes(detail.token, withDetail)).nodes.find((n) => n.id === target.id)!;
    expect(again.category).toMatchObject({
      detailed: 'ENTERTAINMENT_GAMES',
      reason: 'PSU_CORRECTION',
    });

    const asBasic = (await nodes(basicOnly.token, withBasic)).nodes.find(
      (n) => n.id === target.id,
    )!;
    expect(bankDerived).toContain(asBasic.category!.reason);
    expect(asBasic.category!.detailed).not.toBe('ENTERTAINMENT_GAMES');
  });

  it('a rule for a merchant categorises all its transactions until deleted', async () => {
    const { nodes: all } = await nodes(detail.token, withDetail);
    const counts = new Map<string, number>();
    for (const n of all) {
      if (n.merchant?.id) counts.set(n.merchant.id, (counts.get(n.merchant.id) ?? 0) + 1);
    }
    const [merchantId] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    const created = await t.execute<{ createCategoryRule: { id: string; detailed: string } }>(
      detail.token,
      `mutation($m: ID!) { createCategoryRule(merchantId: $m, category: "GENERAL_SERVICES_EDUCATION") { id merchantId primary detailed } }`,
      { m: merchantId },
    );
    expectNoErrors(created);
    const ruleId = created.data!.createCategoryRule.id;
    const ruled = (await nodes(detail.token, withDetail)).nodes.filter(
      (n) => n.merchant?.id === merchantId,
    );
    expect(ruled.length).toBe(counts.get(merchantId));
    // A correction still beats a rule.
    for (const n of ruled) {
      if (n.category!.reason !== 'PSU_CORRECTION') {
        expect(n.category).toMatchObject({
          detailed: 'GENERAL_SERVICES_EDUCATION',
          reason: 'PSU_RULE',
        });
      }
    }
    const listed = await t.execute<{ categoryRules: { id: string }[] }>(
      detail.token,
      '{ categoryRules { id merchantId detailed } }',
    );
    expect(listed.data!.categoryRules.map((r) => r.id)).toContain(ruleId);

    const deleted = await t.execute(
      detail.token,
      'mutation($id: ID!) { deleteCategoryRule(id: $id) }',
      {
        id: ruleId,
      },
    );
    expectNoErrors(deleted);
    const after = (await nodes(detail.token, withDetail)).nodes.filter(
      (n) => n.merchant?.id === merchantId,
    );
    expect(after.some((n) => n.category!.reason === 'PSU_RULE')).toBe(false);
    const twice = await t.execute(
      detail.token,
      'mutation($id: ID!) { deleteCategoryRule(id: $id) }',
      {
        id: ruleId,
      },
    );
    expect(errorCodes(twice)).toEqual(['NOT_FOUND']);
  });

  it('removing a correction brings back the category it replaced; twice is NOT_FOUND, Basic is refused', async () => {
    const clear = `mutation($id: ID!) { clearTransactionCategory(transactionId: $id) { id category { detailed reason } } }`;
    const { nodes: all } = await nodes(detail.token, withDetail);
    const target = all.find(
      (n) => n.creditDebit === 'Debit' && !n.category!.reason.startsWith('PSU_'),
    )!;
    const before = target.category!;
    expectNoErrors(
      await t.execute(detail.token, setCategory, { id: target.id, c: 'TRAVEL_OTHER' }),
    );
    const byBasic = await t.execute(basicOnly.token, clear, { id: target.id });
    expect(errorCodes(byBasic)).toEqual(['FORBIDDEN']);

    const res = await t.execute<{ clearTransactionCategory: { category: Category } }>(
      detail.token,
      clear,
      { id: target.id },
    );
    expectNoErrors(res);
    expect(res.data!.clearTransactionCategory.category).toMatchObject({
      detailed: before.detailed,
      reason: before.reason,
    });
    const again = (await nodes(detail.token, withDetail)).nodes.find((n) => n.id === target.id)!;
    expect(again.category).toMatchObject({ detailed: before.detailed, reason: before.reason });
    expect(errorCodes(await t.execute(detail.token, clear, { id: target.id }))).toEqual([
      'NOT_FOUND',
    ]);
  });

  it('refuses corrections without Detail, from a PSU token, and of categories not in the taxonomy', async () => {
    const { nodes: all } = await nodes(detail.token, withDetail);
    const id = all[0]!.id;
    const byBasic = await t.execute(basicOnly.token, setCategory, { id, c: 'FOOD_AND_DRINK_BAR' });
    expect(errorCodes(byBasic)).toEqual(['FORBIDDEN']);
    const rule = await t.execute(
      basicOnly.token,
      'mutation { createCategoryRule(merchantId: "mer_AAAAAAAAAAAAAAAA", category: "FOOD_AND_DRINK_BAR") { id } }',
    );
    expect(errorCodes(rule)).toEqual(['FORBIDDEN']);
    const byPsu = await t.execute(detail.psuToken, setCategory, { id, c: 'FOOD_AND_DRINK_BAR' });
    expect(errorCodes(byPsu)).toEqual(['FORBIDDEN']);
    const typo = await t.execute(detail.token, setCategory, { id, c: 'FOOD_AND_DRINK_BEER' });
    expect(errorCodes(typo)).toEqual(['BAD_USER_INPUT']);
    const badMerchant = await t.execute(
      detail.token,
      'mutation { createCategoryRule(merchantId: "TESCO", category: "FOOD_AND_DRINK_BAR") { id } }',
    );
    expect(errorCodes(badMerchant)).toEqual(['BAD_USER_INPUT']);
  });

  it('records every correction in the audit log, refusals included', async () => {
    const ok = await searchAudit(
      t.system.audit.db,
      { consentId: detail.consentId, fieldPath: 'Mutation.setTransactionCategory' },
      { first: 50 },
    );
    expect(ok.records.some((r) => r.outcome === 'ok')).toBe(true);
    expect(ok.records.some((r) => r.outcome === 'error')).toBe(true); // the typo
    const okArgs = ok.records.filter((r) => r.outcome === 'ok').map((r) => JSON.stringify(r.args));
    expect(okArgs.some((a) => a.includes('ENTERTAINMENT_GAMES'))).toBe(true);
    const denied = await searchAudit(
      t.system.audit.db,
      { consentId: basicOnly.consentId, fieldPath: 'Mutation.setTransactionCategory' },
      { first: 50 },
    );
    // A mutation is recorded as started before it runs; this one never got past the shield.
    expect(denied.records.map((r) => r.outcome).filter((o) => o !== 'started')).toEqual(['denied']);
    const rules = await searchAudit(
      t.system.audit.db,
      { consentId: detail.consentId, fieldPath: 'Mutation.deleteCategoryRule' },
      { first: 50 },
    );
    const outcomes = rules.records.map((r) => r.outcome).filter((o) => o !== 'started');
    expect(outcomes.sort()).toEqual(['error', 'ok']); // deleted, then NOT_FOUND
    const cleared = await searchAudit(
      t.system.audit.db,
      { fieldPath: 'Mutation.clearTransactionCategory' },
      { first: 50 },
    );
    const byOutcome = cleared.records
      .filter((r) => r.outcome !== 'started')
      .map((r) => `${r.consentId === detail.consentId ? 'detail' : 'basic'} ${r.outcome}`);
    // removed, then NOT_FOUND; Basic stopped by the shield
    expect(byOutcome.sort()).toEqual(['basic denied', 'detail error', 'detail ok']);
  });
});
