import { describe, expect, it } from 'vitest';
import {
  detectRecurring,
  type RecurringInput,
} from '../../src/subgraphs/accounts/enrichment/recurring.ts';
import { narrativeKey } from '../../src/subgraphs/accounts/enrichment/recurring-key.ts';

let n = 0;
const tx = (date: string, amount: string, over: Partial<RecurringInput> = {}): RecurringInput => ({
  id: `t${String(n++).padStart(4, '0')}`,
  accountId: 'acc1',
  amount,
  currency: 'GBP',
  creditDebit: 'Debit',
  bookedAt: new Date(`${date}T09:00:00Z`),
  description: 'NETFLIX.COM',
  merchantName: 'Netflix',
  ...over,
});

/** The same day each month from `first`, clamped to short months. */
function months(first: string, count: number, day: number): string[] {
  const [y, m] = first.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => {
    const last = new Date(Date.UTC(y, m - 1 + i + 1, 0)).getUTCDate();
    return new Date(Date.UTC(y, m - 1 + i, Math.min(day, last))).toISOString().slice(0, 10);
  });
}

describe('recurring streams', () => {
  it('finds a monthly subscription with its amounts, dates and next date', () => {
    const history = months('2026-01-09', 6, 9).map((d) => tx(d, '10.99'));
    const [s, ...rest] = detectRecurring(history, new Date('2026-07-01T00:00:00Z'));
    expect(rest).toHaveLength(0);
    expect(s).toMatchObject({
      name: 'Netflix',
      frequency: 'MONTHLY',
      status: 'ACTIVE',
      averageAmount: '10.99',
      lastAmount: '10.99',
      occurrences: 6,
      direction: 'Debit',
      currency: 'GBP',
    });
    expect(s!.lastDate.toISOString().slice(0, 10)).toBe('2026-06-09');
    expect(s!.expectedNextDate.toISOString().slice(0, 10)).toBe('2026-07-09');
  });

  it('keeps a stream whose amount drifts (a price rise, a varying bill) as one', () => {
    const rise = months('2026-01-09', 8, 9).map((d, i) => tx(d, i < 4 ? '10.99' : '12.99'));
    const bill = months('2026-01-05', 8, 5).map((d, i) =>
      tx(d, ['45.10', '160.00', '98.40', '71.00', '52.90', '130.25', '88.00', '61.15'][i]!, {
        merchantName: null,
        description: 'DIRECT DEBIT BRITISH GAS',
      }),
    );
    const streams = detectRecurring([...rise, ...bill], new Date('2026-09-01T00:00:00Z'));
    expect(streams.map((s) => [s.name, s.occurrences, s.lastAmount])).toEqual([
      ['BRITISH GAS', 8, '61.15'],
      ['Netflix', 8, '12.99'],
    ]);
    expect(streams[1]!.averageAmount).toBe('11.99');
  });

  it('is late after a missed payment, ended after two, and survives a skipped month in between', () => {
    const dates = months('2026-01-15', 6, 15);
    const gap = detectRecurring(
      dates.filter((_, i) => i !== 2).map((d) => tx(d, '25.00')),
      new Date('2026-06-20T00:00:00Z'),
    );
    expect(gap.map((s) => [s.frequency, s.status])).toEqual([['MONTHLY', 'ACTIVE']]);
    const history = dates.map((d) => tx(d, '25.00'));
    const statusOn = (day: string) =>
      detectRecurring(history, new Date(`${day}T00:00:00Z`))[0]?.status;
    expect(statusOn('2026-07-19')).toBe('ACTIVE'); // 4 days after the expected 15 July
    expect(statusOn('2026-07-25')).toBe('LATE');
    expect(statusOn('2026-08-19')).toBe('LATE'); // August's payment not yet past its grace
    expect(statusOn('2026-08-22')).toBe('ENDED');
  });

  it('keeps the 31st across 28-, 29- and 30-day months', () => {
    const history = months('2027-12-31', 4, 31).map((d) =>
      tx(d, '500.00', { merchantName: null, counterpartyName: 'Landlord Ltd' }),
    );
    expect(history.map((t) => t.bookedAt.toISOString().slice(0, 10))).toEqual([
      '2027-12-31',
      '2028-01-31',
      '2028-02-29',
      '2028-03-31',
    ]);
    const [s] = detectRecurring(history, new Date('2028-04-02T00:00:00Z'));
    expect(s?.frequency).toBe('MONTHLY');
    expect(s?.expectedNextDate.toISOString().slice(0, 10)).toBe('2028-04-30');
  });

  it('counts a payment moved into the next month as the earlier month’s', () => {
    // Due on the 31st; January's paid on Monday 2 February.
    const history = ['2026-10-31', '2026-11-30', '2026-12-31', '2027-02-01'].map((d) =>
      tx(d, '80.00'),
    );
    const [s] = detectRecurring(history, new Date('2027-02-05T00:00:00Z'));
    expect(s?.expectedNextDate.toISOString().slice(0, 10)).toBe('2027-02-28');
    expect(s?.status).toBe('ACTIVE');
  });

  it('tells weekly, fortnightly and yearly apart', () => {
    const day = (from: string, plus: number) =>
      new Date(Date.parse(`${from}T00:00:00Z`) + plus * 86_400_000).toISOString().slice(0, 10);
    const weekly = Array.from({ length: 10 }, (_, i) =>
      tx(day('2026-03-07', i * 7 + (i % 2)), `${60 + i}.00`, { merchantName: 'Aldi' }),
    );
    const fortnightly = Array.from({ length: 6 }, (_, i) =>
      tx(day('2026-03-06', i * 14), '1200.00', {
        merchantName: null,
        counterpartyName: 'Acme Ltd',
        creditDebit: 'Credit',
      }),
    );
    const yearly = ['2025-04-02', '2026-04-01'].map((d) =>
      tx(d, '240.00', { merchantName: 'Aviva' }),
    );
    const streams = detectRecurring(
      [...weekly, ...fortnightly, ...yearly],
      new Date('2026-05-10T00:00:00Z'),
    );
    expect(streams.map((s) => [s.name, s.frequency, s.direction])).toEqual([
      ['Acme Ltd', 'FORTNIGHTLY', 'Credit'],
      ['Aldi', 'WEEKLY', 'Debit'],
      ['Aviva', 'YEARLY', 'Debit'],
    ]);
  });

  it('keeps currencies, accounts and directions apart', () => {
    const dates = months('2026-01-09', 4, 9);
    const streams = detectRecurring(
      [
        ...dates.map((d) => tx(d, '10.99')),
        ...dates.map((d) => tx(d, '10.99', { currency: 'EUR' })),
        ...dates.map((d) => tx(d, '10.99', { accountId: 'acc2' })),
        ...dates.map((d) => tx(d, '10.99', { creditDebit: 'Credit' })),
      ],
      new Date('2026-05-01T00:00:00Z'),
    );
    expect(streams).toHaveLength(4);
    expect(new Set(streams.map((s) => s.id)).size).toBe(4);
    expect(streams.every((s) => s.occurrences === 4 && s.averageAmount === '10.99')).toBe(true);
  });

  it('finds a subscription among one-off purchases at the same merchant', () => {
    const subscription = months('2026-01-03', 6, 3).map((d) =>
      tx(d, '8.99', { merchantName: 'Amazon' }),
    );
    const shopping = [
      '2026-01-05',
      '2026-01-19',
      '2026-02-11',
      '2026-03-30',
      '2026-04-02',
      '2026-05-17',
    ].map((d, i) => tx(d, `${23 + i * 7}.45`, { merchantName: 'Amazon' }));
    const streams = detectRecurring(
      [...subscription, ...shopping],
      new Date('2026-06-10T00:00:00Z'),
    );
    expect(streams).toHaveLength(1);
    expect(streams[0]!.transactionIds).toEqual(subscription.map((t) => t.id));
  });

  it('finds nothing in irregular spending, nor in two payments a month apart', () => {
    const random = [
      '2026-01-02',
      '2026-01-05',
      '2026-01-20',
      '2026-02-27',
      '2026-03-01',
      '2026-03-15',
      '2026-04-28',
    ];
    expect(
      detectRecurring(
        random.map((d, i) => tx(d, `${5 + i}.20`, { merchantName: 'Pret' })),
        new Date('2026-05-01'),
      ).length,
    ).toBe(0);
    expect(
      detectRecurring(
        ['2026-01-09', '2026-02-09'].map((d) => tx(d, '10.99')),
        new Date('2026-03-01'),
      ).length,
    ).toBe(0);
  });

  it('groups narrative-only lines by their stable words', () => {
    expect(narrativeKey('DIRECT DEBIT BRITISH GAS 0012345678')).toBe('BRITISH GAS');
    expect(narrativeKey('CRV*THE CROWN INN LEEDS')).toBe('THE CROWN');
    expect(narrativeKey('SQ *BEAN THERE COFFEE')).toBe(narrativeKey('SQ *BEAN THERE COFFEE 12MAR'));
    expect(narrativeKey('AMZN MKTP UK*2K4LM7TX5')).toBe('AMZN MKTP');
  });
});
