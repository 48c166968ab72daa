import { signedSum } from '../services/money.ts';
import { categoryOf } from './taxonomy.ts';

export type SpendingGroup = 'CATEGORY' | 'DETAILED_CATEGORY' | 'MERCHANT' | 'MONTH';
export type Direction = 'Credit' | 'Debit';

/** One booked transaction, as totals need it; amounts are non-negative decimal strings. */
export interface SpendingInput {
  amount: string;
  currency: string;
  creditDebit: string;
  bookedAt: Date;
  /** Detailed category (FOOD_AND_DRINK_GROCERIES); none counts as OTHER_OTHER. */
  category?: string | null;
  merchantName?: string | null;
}

export interface SpendingTotalValue {
  /** The category code, merchant name or YYYY-MM (UTC); null for "no merchant". */
  key: string | null;
  currency: string;
  /** Sum of the group's amounts in `direction`, exact, never negative. */
  amount: string;
  count: number;
}

/**
 * Totals of one direction's money per group and per currency: currencies are never added
 * together (there is no rate to add them at), so a group spent in two currencies is two rows.
 * Ordered by currency, then by month for MONTH, else largest first.
 */
export function spendingTotals(
  inputs: readonly SpendingInput[],
  groupBy: SpendingGroup,
  direction: Direction,
): SpendingTotalValue[] {
  const groups = new Map<string, { key: string | null; currency: string; amounts: string[] }>();
  for (const t of inputs) {
    if (t.creditDebit !== direction) continue;
    const key = groupKey(t, groupBy);
    const id = `${t.currency}\u0000${key ?? '\u0001'}`;
    const group = groups.get(id);
    if (group) group.amounts.push(t.amount);
    else groups.set(id, { key, currency: t.currency, amounts: [t.amount] });
  }
  const rows = [...groups.values()].map((g) => ({
    key: g.key,
    currency: g.currency,
    amount: signedSum(g.amounts.map((amount) => ({ amount, creditDebit: 'Credit' }))),
    count: g.amounts.length,
  }));
  return rows.sort(
    (a, b) =>
      a.currency.localeCompare(b.currency) ||
      (groupBy === 'MONTH'
        ? (a.key ?? '').localeCompare(b.key ?? '')
        : compareDecimal(b.amount, a.amount) || (a.key ?? '').localeCompare(b.key ?? '')),
  );
}

function groupKey(t: SpendingInput, groupBy: SpendingGroup): string | null {
  switch (groupBy) {
    case 'MONTH':
      return t.bookedAt.toISOString().slice(0, 7);
    case 'MERCHANT':
      return t.merchantName?.trim() || null;
    case 'DETAILED_CATEGORY':
      return (t.category && categoryOf(t.category)?.detailed) || 'OTHER_OTHER';
    case 'CATEGORY':
      return (t.category && categoryOf(t.category)?.primary) || 'OTHER';
  }
}

/** Non-negative decimals of any scale, compared exactly. */
function compareDecimal(a: string, b: string): number {
  const [ai = '', af = ''] = a.split('.');
  const [bi = '', bf = ''] = b.split('.');
  if (ai.length !== bi.length) return ai.length - bi.length;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const scale = Math.max(af.length, bf.length);
  const x = af.padEnd(scale, '0');
  const y = bf.padEnd(scale, '0');
  return x === y ? 0 : x < y ? -1 : 1;
}
