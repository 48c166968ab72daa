/**
 * Lists from a bank are mapped entry by entry: one entry we cannot use is left out, counted
 * and reported with the bank id and the reason, and the rest of the list still arrives. Only
 * a body whose envelope is wrong (not JSON, no list where the standard puts one) fails the
 * whole call.
 */
import type { z } from 'zod';
import { registry } from '../../../shared/metrics/index.js';

export type EntryKind = 'account' | 'balance' | 'transaction';

/**
 * - not_as_specified: the entry breaks the standard's schema (issues name fields, no values)
 * - no_resource_id: a Berlin Group account without resourceId cannot be addressed
 * - no_currency: an OBIE account without Currency cannot carry amounts
 * - undated_booked_entry: a booked Berlin Group entry with neither bookingDate nor valueDate
 */
export type SkipReason =
  'not_as_specified' | 'no_resource_id' | 'no_currency' | 'undated_booked_entry';

export interface SkippedEntry {
  bankId: string;
  /** Method and path template, e.g. "GET /v1/accounts/{account-id}/transactions". */
  endpoint: string;
  kind: EntryKind;
  reason: SkipReason;
  /** For not_as_specified: "field.path: zod issue code", never the value. */
  issues?: string[];
}

/** Called once per entry left out, e.g. to log it next to the request that fetched it. */
export type OnSkippedEntry = (entry: SkippedEntry) => void;

export const skippedEntries = registry.counter(
  'ledgergraph_bank_entries_skipped_total',
  'Entries of a bank list left out because they could not be mapped (the rest arrived)',
  ['bank', 'kind', 'reason'],
);

/** What a mapper returns for an entry it has to leave out. */
export class Skip {
  constructor(readonly reason: Exclude<SkipReason, 'not_as_specified'>) {}
}

export interface EntryContext {
  bankId: string;
  endpoint: string;
  kind: EntryKind;
  onSkipped?: OnSkippedEntry;
}

/**
 * Parses and maps each entry on its own. A mapper returns the value, a Skip (recorded), or
 * undefined for an entry the domain deliberately drops (e.g. rejected transactions).
 */
export function mapEntries<S extends z.ZodType, T>(
  items: readonly unknown[] | undefined,
  schema: S,
  map: (raw: z.output<S>) => T | Skip | undefined,
  context: EntryContext,
): T[] {
  const mapped: T[] = [];
  for (const item of items ?? []) {
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.') || '(entry)'}: ${i.code}`);
      record(context, 'not_as_specified', issues);
      continue;
    }
    const value = map(parsed.data);
    if (value instanceof Skip) record(context, value.reason);
    else if (value !== undefined) mapped.push(value);
  }
  return mapped;
}

function record(context: EntryContext, reason: SkipReason, issues?: string[]): void {
  const { bankId, endpoint, kind, onSkipped } = context;
  skippedEntries.inc({ bank: bankId, kind, reason });
  onSkipped?.({ bankId, endpoint, kind, reason, ...(issues ? { issues } : {}) });
}
