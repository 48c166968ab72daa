import { Prisma } from '../../../generated/accounts/sqlite/client.ts';
import type { DatabaseProvider } from '../../../shared/db/index.ts';
import type { AccountsDb } from './client.ts';

/**
 * Multi-row INSERTs for the sync store. Prisma's createMany builds each row in its Wasm
 * query compiler (about 0.4 ms a row here), which made a first sync of a few thousand
 * transactions take seconds; one parameterised statement per chunk takes milliseconds.
 * Dates are written the way Prisma writes them: the adapter's ISO text (`…+00:00`) on
 * SQLite, timestamp(3) in UTC on PostgreSQL.
 */
type Executor = Pick<AccountsDb, '$executeRaw'>;

export interface TransactionInsert {
  id: string;
  accountId: string;
  status: string;
  amount: string;
  currency: string;
  creditDebit: string;
  bookingDateTime: Date;
  valueDateTime: Date | null;
  description: string | null;
  counterpartyName: string | null;
  merchantName: string | null;
  merchantCategoryCode: string | null;
  contentHash: string;
  firstSeenAt: Date;
  updatedAt: Date;
  bankTransactionCode: string | null;
  bankProprietaryCode: string | null;
  enrichmentVersion: number | null;
  categoryDetailed: string | null;
  categoryConfidence: number | null;
  categoryReason: string | null;
  merchantId: string | null;
  merchantDisplayName: string | null;
  balanceAfter: string | null;
  country: string;
}

export interface ChangeInsert {
  accountId: string;
  transactionId: string;
  kind: string;
  at: Date;
}

// 26 parameters a row stays well under SQLite's 32 766 and PostgreSQL's 65 535.
const rowsPerStatement = 500;

export async function insertTransactions(
  db: Executor,
  provider: DatabaseProvider,
  rows: readonly TransactionInsert[],
): Promise<void> {
  const at = dateParam(provider);
  for (let i = 0; i < rows.length; i += rowsPerStatement) {
    const values = rows.slice(i, i + rowsPerStatement).map(
      (r) =>
        Prisma.sql`(${r.id}, ${r.accountId}, ${r.status}, ${r.amount}, ${r.currency},
          ${r.creditDebit}, ${at(r.bookingDateTime)}, ${at(r.valueDateTime)}, ${r.description},
          ${r.counterpartyName}, ${r.merchantName}, ${r.merchantCategoryCode}, ${r.contentHash},
          ${at(r.firstSeenAt)}, ${at(r.updatedAt)}, NULL, ${r.bankTransactionCode},
          ${r.bankProprietaryCode}, ${r.enrichmentVersion}, ${r.categoryDetailed},
          ${r.categoryConfidence}, ${r.categoryReason}, ${r.merchantId}, ${r.merchantDisplayName},
          ${r.balanceAfter}, ${r.country})`,
    );
    await db.$executeRaw`INSERT INTO "Transaction" ("id", "accountId", "status", "amount",
      "currency", "creditDebit", "bookingDateTime", "valueDateTime", "description",
      "counterpartyName", "merchantName", "merchantCategoryCode", "contentHash", "firstSeenAt",
      "updatedAt", "removedAt", "bankTransactionCode", "bankProprietaryCode",
      "enrichmentVersion", "categoryDetailed", "categoryConfidence", "categoryReason",
      "merchantId", "merchantDisplayName", "balanceAfter", "country") VALUES ${Prisma.join(values)}`;
  }
}

export async function insertChanges(
  db: Executor,
  provider: DatabaseProvider,
  rows: readonly ChangeInsert[],
): Promise<void> {
  const at = dateParam(provider);
  for (let i = 0; i < rows.length; i += rowsPerStatement) {
    const values = rows
      .slice(i, i + rowsPerStatement)
      .map((r) => Prisma.sql`(${r.accountId}, ${r.transactionId}, ${r.kind}, ${at(r.at)})`);
    await db.$executeRaw`INSERT INTO "TransactionChange" ("accountId", "transactionId", "kind",
      "at") VALUES ${Prisma.join(values)}`;
  }
}

function dateParam(provider: DatabaseProvider) {
  return (d: Date | null): Prisma.Sql | Date | null => {
    if (d === null) return null;
    // SQLite keeps dates as text and compares them as text: a Date parameter is formatted by
    // the driver adapter exactly as Prisma's own writes and comparisons are (`…+00:00`);
    // toISOString's `…Z` sorts after `+` and put rows at a bound on its wrong side.
    if (provider === 'sqlite') return d;
    // timestamp(3) without time zone holds UTC wall time; the trailing Z is ignored.
    return Prisma.sql`CAST(${d.toISOString()} AS TIMESTAMP(3))`;
  };
}
