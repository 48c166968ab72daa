import { badInput, conflict } from '../../../shared/errors/index.ts';
import { Permission, allPermissions, isPermission } from '../../../shared/auth/permissions.ts';

/** Consent states as in UK Open Banking Read/Write v3.1 (Berlin Group names map onto them). */
export const ConsentStatus = {
  AwaitingAuthorisation: 'AwaitingAuthorisation',
  Authorised: 'Authorised',
  Rejected: 'Rejected',
  Revoked: 'Revoked',
  Expired: 'Expired',
} as const;
export type ConsentStatus = (typeof ConsentStatus)[keyof typeof ConsentStatus];

const transitions: Record<ConsentStatus, readonly ConsentStatus[]> = {
  AwaitingAuthorisation: ['Authorised', 'Rejected'],
  Authorised: ['Revoked', 'Expired'],
  Rejected: [],
  Revoked: [],
  Expired: [],
};

export const canTransition = (from: ConsentStatus, to: ConsentStatus): boolean =>
  transitions[from].includes(to);

export function assertTransition(from: ConsentStatus, to: ConsentStatus): void {
  if (!canTransition(from, to)) {
    throw conflict(`A consent in status ${from} cannot become ${to}`, { status: from });
  }
}

const accountPermissions: string[] = [Permission.ReadAccountsBasic, Permission.ReadAccountsDetail];
const transactionPermissions: string[] = [
  Permission.ReadTransactionsBasic,
  Permission.ReadTransactionsDetail,
];
const directionPermissions: string[] = [
  Permission.ReadTransactionsCredits,
  Permission.ReadTransactionsDebits,
];
const dataPermissions: string[] = allPermissions.filter(
  (p) => p !== Permission.InitiatePayments && p !== Permission.ReadPayments,
);

/**
 * Validates a requested permission set the way OBIE account-access consents are validated:
 * data access needs ReadAccountsBasic or ReadAccountsDetail; transaction permissions need
 * a direction (Credits and/or Debits) and the reverse. Returns the set, de-duplicated.
 */
export function validatePermissions(
  requested: readonly string[],
  allowed: readonly string[],
): string[] {
  const perms = [...new Set(requested)];
  if (perms.length === 0) throw badInput('At least one permission is required');
  const unknown = perms.filter((p) => !isPermission(p));
  if (unknown.length) throw badInput(`Unknown permissions: ${unknown.join(', ')}`);
  const notAllowed = perms.filter((p) => !allowed.includes(p));
  if (notAllowed.length) {
    throw badInput(`This client app may not ask for: ${notAllowed.join(', ')}`, {
      permissions: notAllowed,
    });
  }
  const has = (list: string[]) => perms.some((p) => list.includes(p));
  if (perms.some((p) => dataPermissions.includes(p)) && !has(accountPermissions)) {
    throw badInput('Data access needs ReadAccountsBasic or ReadAccountsDetail');
  }
  if (has(transactionPermissions) !== has(directionPermissions)) {
    throw badInput(
      'ReadTransactionsBasic/Detail need ReadTransactionsCredits and/or ReadTransactionsDebits, and the reverse',
    );
  }
  return perms.sort();
}

export interface ConsentWindow {
  transactionFromDate?: Date | null;
  transactionToDate?: Date | null;
  expiresAt?: Date | null;
}

export function validateWindow(w: ConsentWindow, now: Date): void {
  if (w.transactionFromDate && w.transactionToDate && w.transactionFromDate > w.transactionToDate) {
    throw badInput('transactionFromDate must not be after transactionToDate');
  }
  if (w.expiresAt && w.expiresAt <= now) throw badInput('expiresAt must be in the future');
}

/** An Authorised consent past its expiry is Expired, whatever the stored status says. */
export function isPastExpiry(expiresAt: Date | null, now: Date): boolean {
  return !!expiresAt && expiresAt <= now;
}
