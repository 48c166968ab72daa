import { Permission } from '../../../shared/auth/permissions.ts';
import type { ConsentGrant } from '../../../shared/auth/principal.ts';
import { forbidden } from '../../../shared/errors/index.ts';
import type { Direction, SpendingGroup } from './spending.ts';

/**
 * What a consent must grant, in OBIE's terms, to see totals grouped this way. Amounts,
 * booking dates and bank transaction codes are Basic, so totals per month need only
 * ReadTransactionsBasic (the shield rule), and so do totals per category — but, as on
 * Transaction.category, a Basic-only consent's categories come from the bank codes alone.
 * Merchants are MerchantDetails, a Detail field: totals per merchant need
 * ReadTransactionsDetail. Each direction needs its own permission; a total without it is
 * refused, not shown as zero, because "you spent nothing" would be a false answer, not a
 * hidden one.
 */
export function spendingPermissions(groupBy: SpendingGroup, direction: Direction): Permission[] {
  const needed: Permission[] = [
    direction === 'Debit' ? Permission.ReadTransactionsDebits : Permission.ReadTransactionsCredits,
  ];
  if (groupBy === 'MERCHANT') needed.push(Permission.ReadTransactionsDetail);
  return needed;
}

/** Throws FORBIDDEN naming what is missing; says whether Detail may be used for categories. */
export function spendingAccess(
  grant: ConsentGrant | undefined,
  groupBy: SpendingGroup,
  direction: Direction,
): { detail: boolean } {
  const missing = spendingPermissions(groupBy, direction).filter(
    (p) => !grant?.permissions.includes(p),
  );
  if (!grant || missing.length > 0) {
    throw forbidden(
      `Spending by ${groupBy.toLowerCase()} needs ${missing.join(' and ') || 'a consent'}`,
    );
  }
  return { detail: grant.permissions.includes(Permission.ReadTransactionsDetail) };
}

/**
 * Streams are found by grouping transactions by payee — the merchant and the statement
 * line, both Detail — so streams need ReadTransactionsDetail (the shield rule); a stream's
 * direction needs its permission, and streams in a direction not granted are simply absent,
 * as that direction's transactions are.
 */
export const streamPermissions = [Permission.ReadTransactionsDetail] as const;
