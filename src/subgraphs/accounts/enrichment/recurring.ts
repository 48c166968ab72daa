import { createHash } from 'node:crypto';
import {
  dayNumber,
  DAY_MS,
  expectedNext,
  graceDays,
  periodDays,
  type Frequency,
} from './recurring-calendar.ts';
import { payeeKey } from './recurring-key.ts';

export type { Frequency } from './recurring-calendar.ts';
export type StreamStatus = 'ACTIVE' | 'LATE' | 'ENDED';

/** One booked transaction, as detection needs it; amounts are non-negative decimal strings. */
export interface RecurringInput {
  id: string;
  accountId: string;
  amount: string;
  currency: string;
  creditDebit: 'Credit' | 'Debit' | string;
  bookedAt: Date;
  description?: string | null;
  merchantName?: string | null;
  counterpartyName?: string | null;
  /** Detailed category, when enrichment gave one. */
  category?: string | null;
}

export interface RecurringStreamValue {
  /** Stable while the payee, account, direction and currency are. */
  id: string;
  accountId: string;
  direction: 'Credit' | 'Debit';
  currency: string;
  /** The merchant, counterparty or the narrative's stable words. */
  name: string;
  category: string | null;
  frequency: Frequency;
  status: StreamStatus;
  averageAmount: string;
  lastAmount: string;
  firstDate: Date;
  lastDate: Date;
  expectedNextDate: Date;
  occurrences: number;
  transactionIds: string[];
}

/** Intervals (days) that count as one period, and as one skipped occurrence. */
const window: Readonly<Record<Frequency, { one: [number, number]; two: [number, number] }>> = {
  WEEKLY: { one: [5, 9], two: [12, 16] },
  FORTNIGHTLY: { one: [12, 17], two: [25, 31] },
  MONTHLY: { one: [26, 35], two: [56, 66] },
  YEARLY: { one: [350, 380], two: [715, 745] },
};
const minOccurrences: Readonly<Record<Frequency, number>> = {
  WEEKLY: 4,
  FORTNIGHTLY: 3,
  MONTHLY: 3,
  YEARLY: 2,
};
const frequencies = Object.keys(window) as Frequency[];

interface Item {
  t: RecurringInput;
  units: number;
  day: number;
}

/**
 * Finds subscriptions, salaries, rent and other streams in one history. Transactions are
 * grouped by account, direction, currency and payee (currencies never mix); a group is a
 * stream when its intervals keep to one frequency. A group that does not — a subscription
 * among one-off purchases at the same shop — is tried again split by exact amount.
 * `asOf` decides status: a missed expected date makes a stream late, two make it ended.
 */
export function detectRecurring(
  inputs: readonly RecurringInput[],
  asOf: Date,
): RecurringStreamValue[] {
  const groups = new Map<string, Item[]>();
  for (const t of inputs) {
    const direction = t.creditDebit === 'Credit' ? 'Credit' : 'Debit';
    const key = [t.accountId, direction, t.currency, payeeKey(t)].join('|');
    const item = { t, units: units(t.amount), day: dayNumber(t.bookedAt) };
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  const streams: RecurringStreamValue[] = [];
  for (const [key, items] of groups) {
    if (items.length < 2) continue;
    items.sort((a, b) => a.day - b.day || a.t.id.localeCompare(b.t.id));
    const whole = classify(items);
    if (whole) {
      streams.push(toStream(key, '', items, whole, asOf));
      continue;
    }
    for (const [amount, same] of byAmount(items)) {
      // Two equal purchases a year apart at a shop visited often are chance, not a stream.
      const frequency = classify(same, ['WEEKLY', 'FORTNIGHTLY', 'MONTHLY']);
      if (frequency) streams.push(toStream(key, amount, same, frequency, asOf));
    }
  }
  return streams.sort(
    (a, b) => a.accountId.localeCompare(b.accountId) || a.name.localeCompare(b.name),
  );
}

/** The frequency the intervals keep to best, if they keep to one well enough. */
function classify(
  items: readonly Item[],
  candidates: readonly Frequency[] = frequencies,
): Frequency | undefined {
  const intervals = items.slice(1).map((it, i) => it.day - items[i]!.day);
  let best: { frequency: Frequency; share: number } | undefined;
  for (const frequency of candidates) {
    if (items.length < minOccurrences[frequency]) continue;
    const { one, two } = window[frequency];
    const onPeriod = intervals.filter((d) => d >= one[0] && d <= one[1]).length;
    const skipped = intervals.filter((d) => d >= two[0] && d <= two[1]).length;
    const share = onPeriod / intervals.length;
    if (onPeriod === 0 || (onPeriod + skipped) / intervals.length < 0.8) continue;
    if (skipped > Math.max(1, Math.floor(intervals.length * 0.15))) continue;
    if (!amountsFit(items, frequency, share)) continue;
    if (!best || share > best.share) best = { frequency, share };
  }
  return best?.frequency;
}

/**
 * Fixed-price streams keep their amount (a price rise is one step); bills vary a lot but
 * keep their dates, so a long, very regular history is a stream whatever its amounts.
 */
function amountsFit(items: readonly Item[], frequency: Frequency, share: number): boolean {
  const amounts = items.map((i) => i.units).sort((a, b) => a - b);
  const median = amounts[Math.floor(amounts.length / 2)]!;
  if (median === 0) return false;
  const deviations = amounts.map((a) => Math.abs(a - median) / median).sort((a, b) => a - b);
  const typical = deviations[Math.floor(deviations.length / 2)]!;
  if (frequency === 'YEARLY') return deviations.at(-1)! <= 0.25;
  if (typical <= 0.15) return true;
  return items.length >= 6 && share >= 0.85;
}

function byAmount(items: readonly Item[]): Map<string, Item[]> {
  const out = new Map<string, Item[]>();
  for (const it of items) {
    const key = String(it.units);
    const list = out.get(key);
    if (list) list.push(it);
    else out.set(key, [it]);
  }
  return out;
}

function toStream(
  key: string,
  amountTag: string,
  items: readonly Item[],
  frequency: Frequency,
  asOf: Date,
): RecurringStreamValue {
  const first = items[0]!.t;
  const last = items[items.length - 1]!.t;
  const dates = items.map((i) => i.t.bookedAt);
  const next = expectedNext(frequency, dates);
  const scale = Math.min(4, Math.max(2, ...items.map((i) => scaleOf(i.t.amount))));
  const total = items.reduce((s, i) => s + i.units, 0);
  return {
    id: `rs_${createHash('sha256').update(`${key}|${amountTag}`).digest('base64url').slice(0, 22)}`,
    accountId: first.accountId,
    direction: first.creditDebit === 'Credit' ? 'Credit' : 'Debit',
    currency: first.currency,
    name: displayName(last),
    category: mostCommon(items.map((i) => i.t.category ?? null)),
    frequency,
    status: status(frequency, next, asOf),
    averageAmount: format(Math.round(total / items.length / 10 ** (4 - scale)), scale),
    lastAmount: last.amount,
    firstDate: first.bookedAt,
    lastDate: last.bookedAt,
    expectedNextDate: next,
    occurrences: items.length,
    transactionIds: items.map((i) => i.t.id),
  };
}

function status(frequency: Frequency, next: Date, asOf: Date): StreamStatus {
  const overdue = (asOf.getTime() - next.getTime()) / DAY_MS;
  if (overdue <= graceDays[frequency]) return 'ACTIVE';
  if (overdue <= periodDays[frequency] + graceDays[frequency]) return 'LATE';
  return 'ENDED';
}

function displayName(t: RecurringInput): string {
  const named = t.merchantName?.trim() || t.counterpartyName?.trim();
  return named || payeeKey(t).slice(2) || (t.description ?? '').trim();
}

function mostCommon(values: readonly (string | null)[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  for (const [v, n] of counts) if (best === null || n > counts.get(best)!) best = v;
  return best;
}

const scaleOf = (amount: string): number => amount.split('.')[1]?.length ?? 0;

/** Ten-thousandths of the major unit: exact for every currency's minor units. */
function units(amount: string): number {
  if (!/^\d+(\.\d+)?$/.test(amount)) throw new Error(`Not a decimal amount: ${amount}`);
  return Math.round(Number(amount) * 10_000);
}

function format(value: number, scale: number): string {
  const digits = String(value).padStart(scale + 1, '0');
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}
