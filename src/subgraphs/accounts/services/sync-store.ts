import { createHash } from 'node:crypto';
import type { BankTransaction } from '../connectors/index.ts';
import { transactionIdOf } from '../crypto/ids.ts';
import { insertChanges, insertTransactions } from '../db/bulk.ts';
import { providerOfDb, type AccountsDb } from '../db/client.ts';
import { matchPending } from './pending-match.ts';
import { enrichmentVersion, toStored } from '../enrichment/stored.ts';
import { outboxEvents } from '../../../shared/events/subjects.ts';

export type ChangeKind = 'added' | 'modified' | 'removed';

export interface SyncTarget {
  accountId: string;
  bankAccountId: string;
  /** The bank's country: the jurisdiction its transactions are under (src/shared/jurisdiction). */
  country: string;
}

export interface SyncOutcome {
  added: number;
  modified: number;
  removed: number;
}

type Row = ReturnType<typeof toRow> & {
  reportedId?: string | null;
  matchConfidence?: number | null;
  pendingAmount?: string | null;
  pendingDateTime?: Date | null;
  matchedAt?: Date | null;
  matchCandidates?: string;
};
const unmatched = {
  reportedId: null,
  matchConfidence: null,
  pendingAmount: null,
  pendingDateTime: null,
  matchedAt: null,
};
const chunk = 500;

/**
 * Writes what a bank reported for some accounts over [from, to] into the sync store, and
 * logs each difference in TransactionChange (whose id is the sync cursor):
 * - a transaction not seen before, or seen and since removed: added
 * - a known one whose content changed (status, amount, dates, details): modified
 * - a known one inside the range that the bank no longer reports: removed (row kept)
 * Pending → booked is a modification when the bank keeps the transaction id. When it issues a
 * new one (most banks do; Berlin Group entries without an id get a content hash, which
 * changes with the status), a new booked entry is matched to the pending entry that vanished
 * (services/pending-match.ts): the pending row keeps its id, becomes Booked and remembers the
 * new id as reportedId. Unmatched or ambiguous ones stay a removal plus an addition.
 * It all happens in one database transaction: a sync is stored whole or not at all.
 */
export async function applyBankTransactions(
  db: AccountsDb,
  targets: readonly SyncTarget[],
  range: { from: Date; to: Date },
  reported: readonly BankTransaction[],
  now: Date,
): Promise<SyncOutcome> {
  const accountOf = new Map(targets.map((t) => [t.bankAccountId, t]));
  const incoming = new Map<string, Row>();
  for (const t of reported) {
    const target = accountOf.get(t.bankAccountId);
    if (target) {
      const row = toRow(target.accountId, t, target.country);
      incoming.set(row.id, row);
    }
  }
  const accountIds = targets.map((t) => t.accountId);
  const provider = providerOfDb(db);
  return db.$transaction(
    async (tx) => {
      const existing = await tx.transaction.findMany({
        where: { accountId: { in: accountIds } },
        select: {
          id: true,
          accountId: true,
          contentHash: true,
          removedAt: true,
          bookingDateTime: true,
          enrichmentVersion: true,
          reportedId: true,
          status: true,
          amount: true,
          currency: true,
          creditDebit: true,
          description: true,
          counterpartyName: true,
          merchantName: true,
        },
      });
      const known = new Map(existing.map((e) => [e.id, e]));
      // A row that settled a pending entry keeps the pending id; the bank's new id finds it.
      const settledAs = new Map(existing.flatMap((e) => (e.reportedId ? [[e.reportedId, e]] : [])));
      const arrived: Row[] = [];
      for (const row of incoming.values()) {
        const settled = known.has(row.id) ? undefined : settledAs.get(row.id);
        // The bank reporting the pending entry again beside the booked one undoes the match:
        // the row follows its own id, the booked entry is a transaction of its own.
        const owner = settled && !incoming.has(settled.id) ? settled : undefined;
        const parted =
          known.get(row.id)?.reportedId && incoming.has(known.get(row.id)!.reportedId!);
        arrived.push(owner ? { ...row, id: owner.id } : parted ? { ...row, ...unmatched } : row);
      }
      const arrivedIds = new Set(arrived.map((r) => r.id));
      let created: Row[] = [];
      const revived: Row[] = [];
      const modified: Row[] = [];
      const reEnriched: Row[] = [];
      for (const row of arrived) {
        const before = known.get(row.id);
        if (!before) created.push(row);
        else if (before.removedAt) revived.push(row);
        else if (before.contentHash !== row.contentHash) modified.push(row);
        else if (before.enrichmentVersion !== enrichmentVersion) reEnriched.push(row);
      }
      let removed = existing.filter(
        (e) =>
          !e.removedAt &&
          !arrivedIds.has(e.id) &&
          e.bookingDateTime >= range.from &&
          e.bookingDateTime <= range.to,
      );

      const { matches, ambiguous } = matchPending(
        created.filter((r) => r.status === 'Booked'),
        removed.filter((e) => e.status === 'Pending'),
      );
      const settled = new Map(matches.map((m) => [m.bookedId, m]));
      const settledPending = new Map(matches.map((m) => [m.pendingId, m]));
      const flagged = new Map(ambiguous.map((a) => [a.bookedId, a.pendingIds]));
      for (const row of created) {
        const match = settled.get(row.id);
        if (!match) continue;
        const pending = known.get(match.pendingId)!;
        modified.push({
          ...row,
          id: pending.id,
          reportedId: row.id,
          matchConfidence: match.confidence,
          pendingAmount: pending.amount,
          pendingDateTime: pending.bookingDateTime,
          matchedAt: now,
        });
      }
      created = created
        .filter((r) => !settled.has(r.id))
        .map((r) =>
          flagged.has(r.id) ? { ...r, matchCandidates: JSON.stringify(flagged.get(r.id)) } : r,
        );
      removed = removed.filter((e) => !settledPending.has(e.id));

      await insertTransactions(
        tx,
        provider,
        created.map(({ matchCandidates: _flag, ...r }) => ({
          ...r,
          firstSeenAt: now,
          updatedAt: now,
        })),
      );
      for (const r of created) {
        if (r.matchCandidates) {
          await tx.transaction.update({
            where: { id: r.id },
            data: { matchCandidates: r.matchCandidates },
          });
        }
      }
      for (const { id, accountId: _accountId, ...fields } of [...revived, ...modified]) {
        await tx.transaction.update({
          where: { id },
          data: { ...fields, removedAt: null, updatedAt: now },
        });
      }
      // Enrichment is derived, not the bank's content: recomputing it is no change to report.
      for (const r of reEnriched) {
        await tx.transaction.update({
          where: { id: r.id },
          data: {
            bankTransactionCode: r.bankTransactionCode,
            bankProprietaryCode: r.bankProprietaryCode,
            balanceAfter: r.balanceAfter,
            country: r.country,
            ...toStored(r),
          },
        });
      }
      const removedIds = removed.map((r) => r.id);
      for (let i = 0; i < removedIds.length; i += chunk) {
        await tx.transaction.updateMany({
          where: { id: { in: removedIds.slice(i, i + chunk) } },
          data: { removedAt: now, updatedAt: now },
        });
      }
      // Rows stored before transactions carried a country get their bank's now.
      for (const t of targets) {
        await tx.transaction.updateMany({
          where: { accountId: t.accountId, country: null },
          data: { country: t.country },
        });
      }
      const changes = [
        ...[...created, ...revived].map((r) => change(r, 'added', now)),
        ...modified.map((r) => change(r, 'modified', now)),
        ...removed.map((r) => change(r, 'removed', now)),
      ];
      await insertChanges(tx, provider, changes);
      await writeEvents(tx, changes, now);
      for (const accountId of accountIds) {
        const account = await tx.account.findUniqueOrThrow({
          where: { id: accountId },
          select: { transactionsFrom: true },
        });
        const from = account.transactionsFrom;
        await tx.account.update({
          where: { id: accountId },
          data: {
            transactionsSyncedAt: now,
            transactionsFrom: from && from < range.from ? from : range.from,
          },
        });
      }
      return {
        added: created.length + revived.length,
        modified: modified.length,
        removed: removed.length,
      };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

/**
 * TRANSACTIONS_UPDATED per account that changed, in the sync's own transaction: a client
 * hears of exactly what was stored, and of nothing a rolled-back sync found.
 */
async function writeEvents(
  tx: Parameters<Parameters<AccountsDb['$transaction']>[0]>[0],
  changes: readonly { accountId: string; kind: ChangeKind }[],
  at: Date,
): Promise<void> {
  const counts = new Map<string, Record<ChangeKind, number>>();
  for (const c of changes) {
    const n = counts.get(c.accountId) ?? { added: 0, modified: 0, removed: 0 };
    n[c.kind]++;
    counts.set(c.accountId, n);
  }
  if (counts.size === 0) return;
  const owners = await tx.account.findMany({
    where: { id: { in: [...counts.keys()] } },
    select: { id: true, psuId: true },
  });
  for (const { id, psuId } of owners) {
    await tx.outboxEvent.create({
      data: outboxEvents.transactionsUpdated({ accountId: id, psuId, ...counts.get(id)! }, at),
    });
  }
}

function change(row: { id: string; accountId: string }, kind: ChangeKind, at: Date) {
  return { accountId: row.accountId, transactionId: row.id, kind, at };
}

function toRow(accountId: string, t: BankTransaction, country: string) {
  const fields = {
    status: t.status,
    amount: t.amount,
    currency: t.currency,
    creditDebit: t.creditDebit,
    bookingDateTime: new Date(t.bookingDateTime),
    valueDateTime: t.valueDateTime ? new Date(t.valueDateTime) : null,
    description: t.description ?? null,
    counterpartyName: t.counterpartyName ?? null,
    merchantName: t.merchantName ?? null,
    merchantCategoryCode: t.merchantCategoryCode ?? null,
  };
  const contentHash = createHash('sha256')
    .update(JSON.stringify(fields))
    .digest('base64url')
    .slice(0, 22);
  // The codes and the running balance stay out of the hash: they came later, and rows
  // stored before must not all turn "modified" at once.
  const codes = {
    bankTransactionCode: t.bankTransactionCode ?? null,
    bankProprietaryCode: t.proprietaryBankTransactionCode ?? null,
  };
  const balanceAfter = t.balanceAfter ?? null;
  return {
    id: transactionIdOf(accountId, t.bankTransactionId),
    accountId,
    ...fields,
    contentHash,
    ...codes,
    balanceAfter,
    // Out of the content hash too: tagging is ours, not a change the bank made.
    country,
    ...toStored({ ...fields, ...codes }),
  };
}
