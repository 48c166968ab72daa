/** The pending → booked matching rules, without a store or GraphQL. */
import { describe, expect, it } from 'vitest';
import {
  matchPending,
  matchRules,
  pairConfidence,
  type MatchEntry,
} from '../../src/subgraphs/accounts/services/pending-match.ts';

const day = 86_400_000;
const at = new Date('2026-03-10T12:00:00Z');
const entry = (over: Partial<MatchEntry>): MatchEntry => ({
  id: 'x',
  accountId: 'acc_1',
  currency: 'GBP',
  creditDebit: 'Debit',
  amount: '42.00',
  bookingDateTime: at,
  description: 'CARD PAYMENT TO PIZZA EXPRESS 0412',
  counterpartyName: null,
  merchantName: 'Pizza Express',
  ...over,
});
const pending = entry({ id: 'p1' });

describe('matchPending', () => {
  it('matches the same amount, merchant and day with full confidence', () => {
    const booked = entry({ id: 'b1', bookingDateTime: new Date(at.getTime() + day) });
    expect(matchPending([booked], [pending])).toEqual({
      matches: [{ bookedId: 'b1', pendingId: 'p1', confidence: 1 }],
      ambiguous: [],
    });
  });

  it('matches a tip within the tolerance, less surely; refuses one beyond it', () => {
    const tipped = entry({ id: 'b1', amount: '46.20' }); // +10 %
    const [match] = matchPending([tipped], [pending]).matches;
    expect(match?.pendingId).toBe('p1');
    expect(match!.confidence).toBeLessThan(1);
    expect(match!.confidence).toBeGreaterThanOrEqual(0.35);
    const beyond = (42 * (1 + matchRules.amountTolerance) + 0.01).toFixed(2);
    expect(pairConfidence(entry({ amount: beyond }), pending)).toBeUndefined();
  });

  it('never pairs across account, currency or direction, outside the window, or unlike text', () => {
    for (const over of [
      { accountId: 'acc_2' },
      { currency: 'EUR' },
      { creditDebit: 'Credit' },
      { bookingDateTime: new Date(at.getTime() + (matchRules.windowDays + 1) * day) },
      { bookingDateTime: new Date(at.getTime() - (matchRules.earlyDays + 1) * day) },
      { merchantName: 'Shell', description: 'FUEL STATION 88' },
    ]) {
      expect(pairConfidence(entry(over), pending), JSON.stringify(over)).toBeUndefined();
    }
  });

  it('store numbers and references do not make descriptions differ', () => {
    const booked = entry({ merchantName: null, description: 'CARD PAYMENT TO PIZZA EXPRESS 9931' });
    expect(pairConfidence(booked, entry({ merchantName: null }))).toBeGreaterThan(0.9);
  });

  it('two equally plausible pending entries: not matched, flagged with both', () => {
    const twin = entry({ id: 'p2' });
    expect(matchPending([entry({ id: 'b1' })], [pending, twin])).toEqual({
      matches: [],
      ambiguous: [{ bookedId: 'b1', pendingIds: ['p1', 'p2'] }],
    });
  });

  it('a clearly better candidate wins; two booked entries for one pending are both flagged', () => {
    const far = entry({ id: 'p2', amount: '48.00', bookingDateTime: new Date(at.getTime() - day) });
    expect(matchPending([entry({ id: 'b1' })], [pending, far]).matches).toEqual([
      { bookedId: 'b1', pendingId: 'p1', confidence: 1 },
    ]);
    const result = matchPending([entry({ id: 'b1' }), entry({ id: 'b2' })], [pending]);
    expect(result.matches).toEqual([]);
    expect(result.ambiguous.map((a) => a.bookedId).sort()).toEqual(['b1', 'b2']);
  });

  it('two purchases at one shop settle at their own amounts', () => {
    const other = entry({ id: 'p2', amount: '44.50' });
    const result = matchPending(
      [entry({ id: 'b2', amount: '44.50' }), entry({ id: 'b1' })],
      [pending, other],
    );
    expect(result.ambiguous).toEqual([]);
    expect(result.matches.map((m) => [m.bookedId, m.pendingId]).sort()).toEqual([
      ['b1', 'p1'],
      ['b2', 'p2'],
    ]);
  });
});
