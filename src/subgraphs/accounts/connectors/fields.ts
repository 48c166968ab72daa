/**
 * Field types shared by the standards' schemas, as wide as the specs allow: a value the
 * official schema admits must never make us refuse the entry that carries it.
 */
import { z } from 'zod';
import { isCalendarDate, toIsoUtc } from '../../../shared/dates.js';

/**
 * `format: date-time`, normalized to UTC ISO with milliseconds. Every RFC 3339 form is read
 * (t/z in lower case, any offset, -00:00, fractions of any length, a leap second); a value
 * without an offset is read as UTC, as OBIE banks mean it.
 */
export const dateTime = z.string().transform((value, ctx) => {
  const iso = toIsoUtc(value, { withoutOffset: 'utc' });
  if (iso !== undefined) return iso;
  ctx.issues.push({ code: 'custom', message: 'not an RFC 3339 date-time', input: value });
  return z.NEVER;
});

/** `format: date`: a day that exists (2025-02-30 does not). */
export const calendarDate = z.string().refine(isCalendarDate, 'not a calendar date');

/** ISO 4217 code. */
export const currency = z.string().regex(/^[A-Z]{3}$/);

/**
 * An unsigned decimal, kept as sent whatever its number of decimals: money is computed on
 * decimal strings (services/money.ts), so more precision than a pattern names costs nothing.
 */
export const decimal = z.string().regex(/^\d+(\.\d+)?$/);

/** A decimal with an optional sign (Berlin Group amounts). */
export const signedDecimal = z.string().regex(/^[+-]?\d+(\.\d+)?$/);

/** A string the spec lets be empty; empty reads as absent. */
export const text = (maxLength?: number) =>
  (maxLength === undefined ? z.string() : z.string().max(maxLength))
    .optional()
    .transform((v) => (v === '' ? undefined : v));
