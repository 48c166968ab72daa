/** Calendar arithmetic for recurring streams, in whole UTC days. */

export const DAY_MS = 86_400_000;

export type Frequency = 'WEEKLY' | 'FORTNIGHTLY' | 'MONTHLY' | 'YEARLY';

export const dayNumber = (d: Date): number => Math.floor(d.getTime() / DAY_MS);

export const daysInMonth = (year: number, month: number): number =>
  new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

/**
 * The day of the month a payment is "meant" for: the last day of a month counts as 31, so a
 * payer on the 31st (28th in February, 30th in April) keeps one anchor all year.
 */
export function anchorDay(d: Date): number {
  const day = d.getUTCDate();
  return day === daysInMonth(d.getUTCFullYear(), d.getUTCMonth()) ? 31 : day;
}

/** The median anchor of recent occurrences: one payment moved by a weekend does not move it. */
export function monthlyAnchor(dates: readonly Date[]): number {
  const days = dates
    .slice(-3)
    .map(anchorDay)
    .sort((a, b) => a - b);
  return days[Math.floor(days.length / 2)] ?? 1;
}

/** `months` calendar months after `from`, on the anchor day clamped to that month's length. */
export function addMonths(from: Date, months: number, anchor: number): Date {
  const y = from.getUTCFullYear();
  const m = from.getUTCMonth() + months;
  const day = Math.min(anchor, daysInMonth(y, m));
  return new Date(Date.UTC(y, m, day));
}

/** Nominal length of a period in days, for lateness and stream-end decisions. */
export const periodDays: Readonly<Record<Frequency, number>> = {
  WEEKLY: 7,
  FORTNIGHTLY: 14,
  MONTHLY: 30.44,
  YEARLY: 365.25,
};

/** How late a payment may be before the stream counts as late (weekends, bank holidays). */
export const graceDays: Readonly<Record<Frequency, number>> = {
  WEEKLY: 2,
  FORTNIGHTLY: 3,
  MONTHLY: 5,
  YEARLY: 14,
};

/** The next date a stream is expected, from its last occurrence. */
export function expectedNext(frequency: Frequency, dates: readonly Date[]): Date {
  const last = dates[dates.length - 1]!;
  const lastDay = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), last.getUTCDate()));
  switch (frequency) {
    case 'WEEKLY':
      return new Date(lastDay.getTime() + 7 * DAY_MS);
    case 'FORTNIGHTLY':
      return new Date(lastDay.getTime() + 14 * DAY_MS);
    case 'MONTHLY': {
      // A payment moved into the next month (31 Jan paid on 2 Feb) is still January's.
      const anchor = monthlyAnchor(dates);
      const sameMonth = addMonths(lastDay, 0, anchor);
      return sameMonth.getTime() - lastDay.getTime() >= 15 * DAY_MS
        ? sameMonth
        : addMonths(lastDay, 1, anchor);
    }
    case 'YEARLY':
      return addMonths(lastDay, 12, anchorDay(lastDay));
  }
}
