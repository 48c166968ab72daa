import {
  Prisma,
  type Account as AccountModel,
  type Balance as BalanceModel,
} from '../../../generated/accounts/sqlite/client.ts';
import { columnList } from '../../../shared/db/index.ts';
import type { AccountsDb } from './client.ts';

/**
 * Account and balance reads by hand. Every account-scoped request makes them (a balance:
 * the account, then its balances), and through `findMany` Prisma's client-side query
 * building and mapping cost more than the reads: a balance straight at the subgraph took
 * 24–30 % less CPU with these statements, same answers (docs/BENCHMARKS.md, session 9). The
 * conditions are the ones `findMany` was given; the connection's status is a JOIN on its
 * primary key, so it never repeats an account. The adapters convert each column by its
 * declared type, as for `findMany` (dates come back as Date).
 */

/** Which accounts a read may return; the rules that pick it are AccountService's. */
export interface AccountScope {
  psuId: string;
  /** Only these (a consent's selection); undefined: all of the PSU's. */
  accountIds?: readonly string[];
  /** Only accounts of connections in this status. */
  connectionStatus: string;
}

/** The columns `Account` carries, in and outside the schema: what an account read SELECTs. */
const accountColumnNames = [
  'id',
  'connectionId',
  'bankId',
  'accountType',
  'accountSubType',
  'currency',
  'nickname',
  'identificationScheme',
  'identificationSecret',
  'bankAccountRef',
  'balancesFetchedAt',
  'transactionsSyncedAt',
  'quarantinedAt',
] as const satisfies readonly (keyof AccountModel)[];

export type AccountRead = Pick<AccountModel, (typeof accountColumnNames)[number]>;

const accountColumns = Prisma.raw(columnList(accountColumnNames, 'a'));

/**
 * The accounts in `scope`, narrowed to these ids or these connections when given, ordered
 * by id. An empty list anywhere is no account (SQL has no empty `IN ()`).
 */
export async function readAccounts(
  db: AccountsDb,
  scope: AccountScope,
  only: { ids?: readonly string[]; connectionIds?: readonly string[] } = {},
): Promise<AccountRead[]> {
  const lists = [scope.accountIds, only.ids, only.connectionIds];
  if (lists.some((l) => l !== undefined && l.length === 0)) return [];
  const conditions = [
    Prisma.sql`a."psuId" = ${scope.psuId}`,
    Prisma.sql`c."status" = ${scope.connectionStatus}`,
  ];
  if (scope.accountIds) conditions.push(Prisma.sql`a."id" IN (${Prisma.join(scope.accountIds)})`);
  if (only.ids) conditions.push(Prisma.sql`a."id" IN (${Prisma.join(only.ids)})`);
  if (only.connectionIds)
    conditions.push(Prisma.sql`a."connectionId" IN (${Prisma.join(only.connectionIds)})`);
  return db.$queryRaw<AccountRead[]>`SELECT ${accountColumns}
    FROM "Account" a JOIN "Connection" c ON c."id" = a."connectionId"
    WHERE ${Prisma.join(conditions, ' AND ')}
    ORDER BY a."id"`;
}

const balanceColumnNames = [
  'accountId',
  'type',
  'amount',
  'currency',
  'creditDebit',
  'dateTime',
] as const satisfies readonly (keyof BalanceModel)[];

export type BalanceRead = Pick<BalanceModel, (typeof balanceColumnNames)[number]>;

const balanceColumns = Prisma.raw(columnList(balanceColumnNames));

/** The stored balances of these accounts, in the order they were stored. */
export async function readBalances(
  db: AccountsDb,
  accountIds: readonly string[],
): Promise<BalanceRead[]> {
  if (!accountIds.length) return [];
  return db.$queryRaw<BalanceRead[]>`SELECT ${balanceColumns}
    FROM "Balance" WHERE "accountId" IN (${Prisma.join(accountIds)})
    ORDER BY "id"`;
}
