/**
 * RFC 3339 §5.6 dates and date-times (what OpenAPI `format: date` / `date-time` mean), read
 * strictly on the calendar and leniently on form. `Date.parse` is neither: it turns
 * 2025-02-30 into 1 March and refuses a leap second, so nothing here relies on it.
 */

const fullDate = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTime =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))?$/;

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function realDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

/** A full-date (YYYY-MM-DD) naming a day that exists. */
export function isCalendarDate(value: string): boolean {
  const m = fullDate.exec(value);
  return m !== null && realDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

export interface DateTimeOptions {
  /**
   * A date-time without an offset is not RFC 3339; with `'utc'` it is read as UTC (OBIE
   * banks send such values and say their times are UTC). Default: refused.
   */
  withoutOffset?: 'refuse' | 'utc';
}

/**
 * Milliseconds since the epoch, or undefined when the value is not an RFC 3339 date-time:
 * `T` or `t` (or a space, which §5.6 allows by agreement), `Z`/`z`, `-00:00` or any
 * `±hh:mm` offset, fractional seconds of any length (cut to milliseconds), and a leap
 * second (:60, only at 23:59 UTC), read as the last millisecond of the second before it.
 */
export function parseDateTime(value: string, options: DateTimeOptions = {}): number | undefined {
  const m = dateTime.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = m[7] ?? '';
  const zulu = m[8] !== undefined;
  const sign = m[9] === '-' ? -1 : 1;
  const offsetHours = Number(m[10] ?? 0);
  const offsetMinutes = Number(m[11] ?? 0);
  if (!zulu && m[9] === undefined && options.withoutOffset !== 'utc') return undefined;
  if (!realDay(year, month, day) || hour > 23 || minute > 59 || second > 60) return undefined;
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offsetMs = sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  const leap = second === 60;
  const ms = leap ? 999 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  // Not Date.UTC, which reads years 0-99 as 1900-1999.
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day);
  at.setUTCHours(hour, minute, leap ? 59 : second, ms);
  const utc = at.getTime() - offsetMs;
  if (leap) {
    const inUtc = new Date(utc);
    if (inUtc.getUTCHours() !== 23 || inUtc.getUTCMinutes() !== 59) return undefined;
  }
  return utc;
}

/** An RFC 3339 date-time as UTC ISO 8601 with milliseconds, or undefined. */
export function toIsoUtc(value: string, options: DateTimeOptions = {}): string | undefined {
  const ms = parseDateTime(value, options);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
