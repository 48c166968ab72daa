import type { AccountFigures } from '../../../shared/backup/manifest.ts';
import type { SqlReader } from '../../../shared/backup/sql.ts';
import { signedSum } from '../services/money.ts';

/**
 * Per account figures recomputed from the stored rows alone: what a backup records from its
 * snapshot and a restore drill recomputes from the restored store. Raw SQL, so it runs over a
 * SQLite copy or a PostgreSQL snapshot without a Prisma client.
 */
export async function accountFigures(read: SqlReader): Promise<AccountFigures[]> {
  const accounts = await read('SELECT "id", "currency" FROM "Account" ORDER BY "id"');
  const transactions = await read(
    'SELECT "accountId", "status", "amount", "creditDebit" FROM "Transaction" WHERE "removedAt" IS NULL',
  );
  const balances = await read(
    'SELECT "accountId", "type", "amount", "creditDebit", "dateTime" FROM "Balance" ORDER BY "id"',
  );
  return accounts.map((a) => {
    const id = String(a.id);
    const own = transactions.filter((t) => t.accountId === id);
    const booked = own.filter((t) => t.status === 'Booked');
    const latest: Record<string, string> = {};
    // Rows come in insertion order, so the last one of a type is the newest.
    for (const b of balances.filter((row) => row.accountId === id)) {
      latest[String(b.type)] = `${String(b.amount)} ${String(b.creditDebit)}`;
    }
    return {
      accountId: id,
      currency: String(a.currency),
      bookedNet: signedSum(
        booked.map((t) => ({ amount: String(t.amount), creditDebit: String(t.creditDebit) })),
      ),
      bookedCount: booked.length,
      pendingCount: own.length - booked.length,
      balances: latest,
    };
  });
}
