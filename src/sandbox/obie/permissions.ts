import type { ObieErrorDetail } from './errors.js';

/** The 21 OBIE data-access permission codes. */
export const permissionCodes = [
  'ReadAccountsBasic',
  'ReadAccountsDetail',
  'ReadBalances',
  'ReadBeneficiariesBasic',
  'ReadBeneficiariesDetail',
  'ReadDirectDebits',
  'ReadOffers',
  'ReadPAN',
  'ReadParty',
  'ReadPartyPSU',
  'ReadProducts',
  'ReadScheduledPaymentsBasic',
  'ReadScheduledPaymentsDetail',
  'ReadStandingOrdersBasic',
  'ReadStandingOrdersDetail',
  'ReadStatementsBasic',
  'ReadStatementsDetail',
  'ReadTransactionsBasic',
  'ReadTransactionsCredits',
  'ReadTransactionsDebits',
  'ReadTransactionsDetail',
] as const;

export type Permission = (typeof permissionCodes)[number];

const known: ReadonlySet<string> = new Set(permissionCodes);

export type PermissionCheck =
  { ok: true; permissions: Permission[] } | { ok: false; detail: ObieErrorDetail };

const path = 'Data.Permissions';

/** The combination rules a bank applies when the consent is created. */
export function validatePermissions(value: unknown): PermissionCheck {
  if (!Array.isArray(value) || value.length === 0) {
    return {
      ok: false,
      detail: { code: 'Field.Missing', message: 'Permissions are required', path },
    };
  }
  const permissions: Permission[] = [];
  for (const item of value) {
    if (typeof item !== 'string' || !known.has(item)) {
      return {
        ok: false,
        detail: { code: 'Field.Invalid', message: `Unknown permission ${String(item)}`, path },
      };
    }
    if (!permissions.includes(item as Permission)) permissions.push(item as Permission);
  }
  const has = (p: Permission): boolean => permissions.includes(p);
  if (!has('ReadAccountsBasic') && !has('ReadAccountsDetail')) {
    return invalid('ReadAccountsBasic or ReadAccountsDetail is required');
  }
  const transactions = has('ReadTransactionsBasic') || has('ReadTransactionsDetail');
  const direction = has('ReadTransactionsCredits') || has('ReadTransactionsDebits');
  if (transactions && !direction) {
    return invalid('ReadTransactionsBasic/Detail need ReadTransactionsCredits and/or Debits');
  }
  if (direction && !transactions) {
    return invalid('ReadTransactionsCredits/Debits need ReadTransactionsBasic or Detail');
  }
  return { ok: true, permissions };
}

function invalid(message: string): PermissionCheck {
  return { ok: false, detail: { code: 'Field.Invalid', message, path } };
}

/** What a consent lets the TPP see; Detail wins when both Basic and Detail are granted. */
export interface AccessView {
  accountDetail: boolean;
  balances: boolean;
  transactions?: { detail: boolean; credits: boolean; debits: boolean };
  pan: boolean;
}

export function accessView(permissions: readonly Permission[]): AccessView {
  const has = (p: Permission): boolean => permissions.includes(p);
  const view: AccessView = {
    accountDetail: has('ReadAccountsDetail'),
    balances: has('ReadBalances'),
    pan: has('ReadPAN'),
  };
  if (has('ReadTransactionsBasic') || has('ReadTransactionsDetail')) {
    view.transactions = {
      detail: has('ReadTransactionsDetail'),
      credits: has('ReadTransactionsCredits'),
      debits: has('ReadTransactionsDebits'),
    };
  }
  return view;
}
