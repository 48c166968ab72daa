import DataLoader from 'dataloader';
import type { SubgraphContext } from '../../../shared/auth/context.ts';
import { unauthenticated } from '../../../shared/errors/index.ts';
import type { Account, Balance } from '../schema/account.type.ts';
import type { TransactionBounds } from '../services/access.ts';
import type { AccountService } from '../services/account.service.ts';
import type { BankDataService, Presence, StoredFreshness } from '../services/bank-data.service.ts';
import type { CategoryService, PsuTeaching } from '../services/category.service.ts';
import { DataRead } from '../services/data-read.ts';
import type { Category } from '../enrichment/index.ts';
import type { ColumnGroup } from '../db/transaction-page.ts';
import type {
  PageArgs,
  TransactionPage,
  TransactionService,
} from '../services/transaction.service.ts';

export interface LoaderServices {
  accounts: AccountService;
  bankData: BankDataService;
  transactions: TransactionService;
  categories: CategoryService;
}

export interface PageKey {
  accountId: string;
  bounds: TransactionBounds;
  args: PageArgs;
  /** The columns the request's selection needs (resolvers/transaction-fields.ts). */
  groups: readonly ColumnGroup[];
}

/**
 * Bank-facing loaders wait a macrotask before they run: graphql-shield resolves each field
 * through promises, so the fields of one request reach the loader over several microtask
 * turns, and they must all land in one batch to cost one bank call per bank.
 */
const wholeRequest = { batchScheduleFn: (run: () => void) => setImmediate(run) };
const byAccount = { ...wholeRequest, cacheKeyFn: (a: StoredFreshness) => a.id };

export function createAccountLoaders(
  s: LoaderServices,
  base: SubgraphContext,
  presence: Presence,
  dataRead: DataRead = new DataRead(),
) {
  const principal = () => {
    if (!base.principal) throw unauthenticated();
    return base.principal;
  };
  const observe = (id: string, quarantined: boolean | undefined) =>
    dataRead.observed(id, quarantined);
  return {
    account: new DataLoader<string, Account | null>((ids) =>
      s.accounts.byIds(principal(), base.grant, ids),
    ),
    accountsOfConnection: new DataLoader<string, Account[]>((ids) =>
      s.accounts.ofConnections(principal(), base.grant, ids),
    ),
    /**
     * Balances, refreshed from the bank where stale; a failed bank's accounts get its error.
     * Keyed by the account as the request loaded it: its row says how fresh the data is.
     */
    balances: new DataLoader<StoredFreshness, Balance[], string>(async (accounts) => {
      for (const a of accounts) dataRead.add(a.id);
      const { failed } = await s.bankData.refreshLoaded('balances', accounts, presence, observe);
      const ids = accounts.map((a) => a.id);
      const stored = await s.accounts.storedBalances(ids);
      return ids.map((id, i) => failed.get(id) ?? stored[i] ?? []);
    }, byAccount),
    /** Brings the sync store up to date; resolves to when the account was last synced. */
    transactionsSynced: new DataLoader<StoredFreshness, Date | null, string>(async (accounts) => {
      for (const a of accounts) dataRead.add(a.id);
      const { failed, stale } = await s.bankData.refreshLoaded(
        'transactions',
        accounts,
        presence,
        observe,
      );
      // Only a bank call in the request can have moved the time the request loaded.
      const moved = accounts.filter((a) => stale.has(a.id) && !failed.has(a.id)).map((a) => a.id);
      const read = moved.length ? await s.accounts.transactionsSyncedAt(moved) : [];
      const synced = new Map(moved.map((id, i) => [id, read[i] ?? null]));
      return accounts.map((a) => {
        const e = failed.get(a.id);
        if (e) return e;
        return synced.has(a.id) ? (synced.get(a.id) ?? null) : a.transactionsSyncedAt;
      });
    }, byAccount),
    /** The PSU's rules and models: one read per request, whatever the number of rows. */
    psuTeaching: new DataLoader<string, PsuTeaching>((psuIds) => s.categories.teaching(psuIds)),
    /** The consent's PSU's corrections of these transactions. */
    categoryCorrection: new DataLoader<string, Category | null>((ids) => {
      if (!base.grant) return Promise.resolve(ids.map(() => null));
      return s.categories.corrections(base.grant.psuId, ids);
    }),
    /**
     * Pages read in one statement share one column list: the batch reads the union of its
     * keys' groups. The groups are part of the cache key, so a page loaded for fewer fields
     * is never handed to a selection that needs more.
     */
    transactionPage: new DataLoader<PageKey, TransactionPage, string>(
      (keys) => s.transactions.pages(keys, [...new Set(keys.flatMap((k) => k.groups))]),
      { cacheKeyFn: (k) => JSON.stringify(k) },
    ),
  };
}
export type AccountLoaders = ReturnType<typeof createAccountLoaders>;
