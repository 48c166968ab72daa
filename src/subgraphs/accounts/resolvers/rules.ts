import type { IRules } from 'graphql-shield';
import { Permission, PlatformScope } from '../../../shared/auth/permissions.ts';
import { requireAnyScope, requireScope } from '../../../shared/auth/shield.ts';

const listAccounts = requireAnyScope(Permission.ReadAccountsBasic, PlatformScope.ConsentsAuthorise);

/** Basic vs Detail is a per-field decision; rows are bounded by AccountService. */
export const accountRules: IRules = {
  Query: { accounts: listAccounts, account: listAccounts },
  Account: {
    identification: requireScope(Permission.ReadAccountsDetail),
    balances: requireScope(Permission.ReadBalances),
  },
  Consent: { accounts: requireScope(Permission.ReadAccountsBasic) },
  Psu: { accounts: listAccounts },
};
