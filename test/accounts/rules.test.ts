import { describe, expect, it } from 'vitest';
import type { ConsentGrant, Principal } from '../../src/shared/auth/principal.ts';
import { Balance } from '../../src/subgraphs/accounts/schema/account.type.ts';
import { transactionBounds } from '../../src/subgraphs/accounts/services/access.ts';
import { signedSum } from '../../src/subgraphs/accounts/services/money.ts';
import { currencyTotals } from '../../src/subgraphs/accounts/services/totals.ts';
import { upstreamUnavailable } from '../../src/shared/errors/index.ts';

const principal = (kind: Principal['kind']): Principal => ({
  kind,
  subject: 'psu_alice',
  clientId: 'demo-pfm',
  psuId: 'psu_alice',
  consentId: kind === 'consent' ? 'cns_1' : undefined,
  scopes: [],
  tokenId: 't',
  issuer: 'i',
  expiresAt: 0,
});

const grant = (permissions: string[], from?: string, to?: string): ConsentGrant => ({
  consentId: 'cns_1',
  psuId: 'psu_alice',
  clientId: 'demo-pfm',
  status: 'Authorised',
  permissions,
  accountIds: ['acc_1'],
  transactionFromDate: from ?? null,
  transactionToDate: to ?? null,
  expiresAt: null,
});

describe('money is exact decimal arithmetic', () => {
  it('sums credits minus debits without floating point error', () => {
    expect(
      signedSum([
        { amount: '0.1', creditDebit: 'Credit' },
        { amount: '0.2', creditDebit: 'Credit' },
      ]),
    ).toBe('0.30');
    expect(
      signedSum([
        { amount: '10.00', creditDebit: 'Credit' },
        { amount: '12.345', creditDebit: 'Debit' },
      ]),
    ).toBe('-2.345');
    expect(
      signedSum([
        { amount: '99999999999999.99', creditDebit: 'Credit' },
        { amount: '0.01', creditDebit: 'Credit' },
      ]),
    ).toBe('100000000000000.00');
    expect(signedSum([])).toBe('0.00');
    expect(() => signedSum([{ amount: '1e3', creditDebit: 'Credit' }])).toThrow();
  });
});

describe('balance totals per currency', () => {
  const bal = (type: string, amount: string, currency: string, creditDebit = 'Credit') =>
    Object.assign(new Balance(), { type, amount, currency, creditDebit, dateTime: new Date() });

  it('sums each account’s available balance once, per currency', () => {
    const totals = currencyTotals([
      [bal('InterimBooked', '100.00', 'GBP'), bal('InterimAvailable', '90.00', 'GBP')],
      [bal('ClosingBooked', '50.00', 'GBP', 'Debit')],
      [bal('InterimAvailable', '10.50', 'EUR')],
    ]);
    expect(totals).toEqual([
      { currency: 'EUR', amount: '10.50', accountCount: 1 },
      { currency: 'GBP', amount: '40.00', accountCount: 2 },
    ]);
  });

  it('is never partial: a failed bank fails the total, naming the bank', () => {
    const down = upstreamUnavailable('down', { bankId: 'sandbox-bg' });
    expect(() => currencyTotals([[bal('InterimAvailable', '1.00', 'GBP')], down])).toThrow(
      expect.objectContaining({
        code: 'UPSTREAM_UNAVAILABLE',
        details: expect.objectContaining({ bankIds: ['sandbox-bg'] }),
      }),
    );
  });
});

describe('transaction bounds come from the consent', () => {
  it('Credits without Debits allows only credit rows', () => {
    const b = transactionBounds(
      principal('consent'),
      grant(['ReadTransactionsBasic', 'ReadTransactionsCredits']),
    );
    expect(b.directions).toEqual(['Credit']);
    expect(b.empty).toBe(false);
  });

  it('intersects the consent window with the requested dates', () => {
    const g = grant(
      ['ReadTransactionsDebits'],
      '2026-01-01T00:00:00.000Z',
      '2026-06-30T00:00:00.000Z',
    );
    const b = transactionBounds(principal('consent'), g, {
      from: new Date('2025-01-01T00:00:00Z'),
      to: new Date('2026-03-01T00:00:00Z'),
    });
    expect(b.from?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(b.to?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    const outside = transactionBounds(principal('consent'), g, {
      from: new Date('2026-07-01T00:00:00Z'),
    });
    expect(outside.empty).toBe(true);
  });

  it('nothing for a consent without a direction, and only consent tokens see transactions', () => {
    expect(transactionBounds(principal('consent'), grant(['ReadAccountsBasic'])).empty).toBe(true);
    expect(() => transactionBounds(principal('psu'), undefined)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
  });
});
