import { Permission } from '../../../shared/auth/permissions.ts';
import type { ConsentGrant } from '../../../shared/auth/principal.ts';
import { forbidden } from '../../../shared/errors/index.ts';
import type { Direction, SpendingGroup } from './spending.ts';

/**
 * What a consent must grant, in OBIE's terms, to see totals grouped this way. Amounts and
 * booking dates are Basic, so totals per month need only ReadTransactionsBasic (the shield
 * rule). Merchants come from MerchantDetails and categories from the merchant code and the
 * narrative — all Detail fields — so grouping by either needs ReadTransactionsDetail. The
 * direction needs its own permission; a total without it is refused, not shown as zero,
 * because "you spent nothing" would be a false answer, not a hidden one.
 */
export function spendingPermissions(groupBy: SpendingGroup, direction: Direction): Permission[] {
  const needed: Permission[] = [
    direction === 'Debit' ? Permission.ReadTransactionsDebits : Permission.ReadTransactionsCredits,
  ];
  if (groupBy !== 'MONTH') needed.push(Permission.ReadTransactionsDetail);
  return needed;
}

export function assertSpendingAllowed(
  grant: ConsentGrant | undefined,
  groupBy: SpendingGroup,
  direction: Direction,
): void {
  const missing = spendingPermissions(groupBy, direction).filter(
    (p) => !grant?.permissions.includes(p),
  );
  if (missing.length > 0) {
    throw forbidden(`Spending by ${groupBy.toLowerCase()} needs ${missing.join(' and ')}`);
  }
}
