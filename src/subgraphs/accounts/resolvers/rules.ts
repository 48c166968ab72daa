import type { IRules } from 'graphql-shield';
import { Permission, PlatformScope } from '../../../shared/auth/permissions.ts';
import { allOf, requireAnyScope, requireKind, requireScope } from '../../../shared/auth/shield.ts';

const listAccounts = requireAnyScope(Permission.ReadAccountsBasic, PlatformScope.ConsentsAuthorise);
/** Bank links are the PSU's own business: no client app, even under a consent, sees them. */
const psuOnly = allOf(requireKind('psu'), requireScope(PlatformScope.ConsentsAuthorise));
const transactions = requireScope(Permission.ReadTransactionsBasic);
const transactionDetail = requireScope(Permission.ReadTransactionsDetail);
/**
 * Corrections: a client app under the PSU's consent, with the Detail view (a correction is
 * made by looking at the merchant and the statement line). The service bounds the rows.
 */
const correct = allOf(requireKind('consent'), transactionDetail);

/** Basic vs Detail is a per-field decision; rows are bounded by the services. */
export const accountRules: IRules = {
  Query: {
    accounts: listAccounts,
    account: listAccounts,
    bankConnections: psuOnly,
    transactionsSync: transactions,
    categoryRules: correct,
  },
  Mutation: {
    connectBank: psuOnly,
    completeBankConnection: psuOnly,
    disconnectBank: psuOnly,
    setTransactionCategory: correct,
    clearTransactionCategory: correct,
    createCategoryRule: correct,
    deleteCategoryRule: correct,
  },
  Account: {
    identification: requireScope(Permission.ReadAccountsDetail),
    balances: requireScope(Permission.ReadBalances),
    transactions,
  },
  Transaction: {
    description: transactionDetail,
    counterparty: transactionDetail,
    merchant: transactionDetail,
    // Basic sees the bank-code category; the resolver gives more only with Detail.
    category: transactions,
  },
  Consent: { accounts: requireScope(Permission.ReadAccountsBasic) },
  Psu: {
    accounts: listAccounts,
    balanceTotals: requireScope(Permission.ReadBalances),
    // Payee grouping reads the Detail fields; directions and Detail-by-merchant: the service.
    recurringStreams: transactionDetail,
    spending: transactions,
  },
};
