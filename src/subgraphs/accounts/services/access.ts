import { Permission } from '../../../shared/auth/permissions.ts';
import type { ConsentGrant, Principal } from '../../../shared/auth/principal.ts';
import { forbidden } from '../../../shared/errors/index.ts';

export type Direction = 'Credit' | 'Debit';

/** The rows of transactions a caller may see: a date window and the money directions. */
export interface TransactionBounds {
  from: Date | undefined;
  to: Date | undefined;
  directions: Direction[];
  /** True when nothing can match (no direction granted, or the windows do not meet). */
  empty: boolean;
}

/**
 * Transactions are a consent's data: only a consent-bound token sees them, only in the
 * consent's date window (intersected with what was asked), and only in the directions it
 * grants — a consent with Credits but not Debits never returns a debit row.
 */
export function transactionBounds(
  principal: Principal,
  grant: ConsentGrant | undefined,
  requested: { from?: Date | null; to?: Date | null } = {},
): TransactionBounds {
  if (principal.kind !== 'consent' || !grant) {
    throw forbidden('Transactions are visible only under a consent');
  }
  const directions: Direction[] = [];
  if (grant.permissions.includes(Permission.ReadTransactionsCredits)) directions.push('Credit');
  if (grant.permissions.includes(Permission.ReadTransactionsDebits)) directions.push('Debit');
  const from = latest(dateOf(grant.transactionFromDate), requested.from ?? undefined);
  const to = earliest(dateOf(grant.transactionToDate), requested.to ?? undefined);
  const empty = directions.length === 0 || (!!from && !!to && from > to);
  return { from, to, directions, empty };
}

const dateOf = (iso: string | null): Date | undefined => (iso ? new Date(iso) : undefined);

function latest(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

function earliest(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}
