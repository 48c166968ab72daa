import { describe, expect, it } from 'vitest';
import type { ConsentGrant } from '../../src/shared/auth/principal.ts';
import {
  spendingAccess,
  spendingPermissions,
} from '../../src/subgraphs/accounts/enrichment/spending-access.ts';
import {
  spendingTotals,
  type SpendingInput,
} from '../../src/subgraphs/accounts/enrichment/spending.ts';

const t = (at: string, amount: string, over: Partial<SpendingInput> = {}): SpendingInput => ({
  amount,
  currency: 'GBP',
  creditDebit: 'Debit',
  bookedAt: new Date(at),
  category: 'FOOD_AND_DRINK_GROCERIES',
  merchantName: 'Tesco',
  ...over,
});

const history = [
  t('2026-01-31T23:59:59Z', '10.10'),
  t('2026-02-01T00:00:00Z', '0.20'),
  t('2026-02-28T12:00:00Z', '5.005', { category: 'FOOD_AND_DRINK_COFFEE', merchantName: 'Costa' }),
  t('2026-02-10T12:00:00Z', '7.00', { currency: 'EUR', merchantName: 'REWE' }),
  t('2026-02-11T12:00:00Z', '2500.00', {
    creditDebit: 'Credit',
    category: 'INCOME_WAGES',
    merchantName: null,
  }),
  t('2026-03-01T08:00:00Z', '99.99', { category: null, merchantName: null }),
  t('2026-03-02T08:00:00Z', '1.00', { category: 'NOT_A_CODE' }),
];

describe('spending totals', () => {
  it('sums per month on UTC month boundaries, per currency, exactly', () => {
    expect(spendingTotals(history, 'MONTH', 'Debit')).toEqual([
      { key: '2026-02', currency: 'EUR', amount: '7.00', count: 1 },
      { key: '2026-01', currency: 'GBP', amount: '10.10', count: 1 },
      { key: '2026-02', currency: 'GBP', amount: '5.205', count: 2 },
      { key: '2026-03', currency: 'GBP', amount: '100.99', count: 2 },
    ]);
  });

  it('groups by primary or detailed category, unknown codes as OTHER, largest first', () => {
    expect(
      spendingTotals(history, 'CATEGORY', 'Debit').filter((r) => r.currency === 'GBP'),
    ).toEqual([
      { key: 'OTHER', currency: 'GBP', amount: '100.99', count: 2 },
      { key: 'FOOD_AND_DRINK', currency: 'GBP', amount: '15.305', count: 3 },
    ]);
    expect(
      spendingTotals(history, 'DETAILED_CATEGORY', 'Debit').map((r) => [
        r.currency,
        r.key,
        r.amount,
      ]),
    ).toEqual([
      ['EUR', 'FOOD_AND_DRINK_GROCERIES', '7.00'],
      ['GBP', 'OTHER_OTHER', '100.99'],
      ['GBP', 'FOOD_AND_DRINK_GROCERIES', '10.30'],
      ['GBP', 'FOOD_AND_DRINK_COFFEE', '5.005'],
    ]);
  });

  it('groups by merchant, with no merchant as its own row, and never mixes directions', () => {
    expect(
      spendingTotals(history, 'MERCHANT', 'Debit').map((r) => [r.currency, r.key, r.amount]),
    ).toEqual([
      ['EUR', 'REWE', '7.00'],
      ['GBP', null, '99.99'],
      ['GBP', 'Tesco', '11.30'],
      ['GBP', 'Costa', '5.005'],
    ]);
    expect(spendingTotals(history, 'CATEGORY', 'Credit')).toEqual([
      { key: 'INCOME', currency: 'GBP', amount: '2500.00', count: 1 },
    ]);
    expect(spendingTotals([], 'MONTH', 'Debit')).toEqual([]);
  });
});

describe('spending permissions, in OBIE terms', () => {
  const grant = (...permissions: string[]): ConsentGrant => ({
    consentId: 'c',
    psuId: 'p',
    clientId: 'x',
    status: 'Authorised',
    permissions,
    accountIds: [],
    transactionFromDate: null,
    transactionToDate: null,
    expiresAt: null,
  });

  it('needs ReadTransactionsDebits for debits and ReadTransactionsCredits for credits', () => {
    expect(spendingPermissions('MONTH', 'Debit')).toEqual(['ReadTransactionsDebits']);
    expect(spendingPermissions('MONTH', 'Credit')).toEqual(['ReadTransactionsCredits']);
    const creditsOnly = grant('ReadTransactionsBasic', 'ReadTransactionsCredits');
    expect(() => spendingAccess(creditsOnly, 'MONTH', 'Debit')).toThrow(/ReadTransactionsDebits/);
    expect(spendingAccess(creditsOnly, 'MONTH', 'Credit')).toEqual({ detail: false });
    expect(() => spendingAccess(undefined, 'MONTH', 'Debit')).toThrow();
  });

  it('needs ReadTransactionsDetail by merchant; by category Basic sees bank-code categories', () => {
    const basic = grant('ReadTransactionsBasic', 'ReadTransactionsDebits');
    const detail = grant('ReadTransactionsDetail', 'ReadTransactionsDebits');
    expect(() => spendingAccess(basic, 'MERCHANT', 'Debit')).toThrow(/ReadTransactionsDetail/);
    expect(spendingAccess(detail, 'MERCHANT', 'Debit')).toEqual({ detail: true });
    expect(spendingAccess(basic, 'CATEGORY', 'Debit')).toEqual({ detail: false });
    expect(spendingAccess(detail, 'DETAILED_CATEGORY', 'Debit')).toEqual({ detail: true });
  });
});
