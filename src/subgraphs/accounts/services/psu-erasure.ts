import type { AccountsDb } from '../db/client.ts';

export interface AccountsStoreErasure {
  connections: number;
  accounts: number;
  transactions: number;
}

const slice = 500;

/**
 * Deletes everything the accounts store holds about a PSU (GDPR art. 17): connections with
 * their sealed bank sessions, accounts with their sealed identifiers, balances, transactions
 * (counterparty names and descriptions are personal data), their change log, reads counted,
 * reconciliation findings and the PSU's categorisation. None of it is under a retention duty:
 * it is a copy of what the PSU's bank keeps, and the bank keeps the record. The bank consent
 * is not revoked at the bank from here: its tokens are gone, so it can no longer be used,
 * and it lapses at the bank. Outbox events carry only ids and counts and age out.
 * One transaction: erased whole or not at all; running it again finds nothing.
 */
export async function eraseAccountsOf(
  db: AccountsDb,
  psuId: string,
): Promise<AccountsStoreErasure> {
  return db.$transaction(
    async (tx) => {
      const ids = (await tx.account.findMany({ where: { psuId }, select: { id: true } })).map(
        (a) => a.id,
      );
      let transactions = 0;
      for (let i = 0; i < ids.length; i += slice) {
        const accountId = { in: ids.slice(i, i + slice) };
        await tx.transactionChange.deleteMany({ where: { accountId } });
        await tx.balance.deleteMany({ where: { accountId } });
        transactions += (await tx.transaction.deleteMany({ where: { accountId } })).count;
        await tx.reconciliationDiscrepancy.deleteMany({ where: { accountId } });
        await tx.bankRead.deleteMany({ where: { accountId } });
      }
      await tx.categoryCorrection.deleteMany({ where: { psuId } });
      await tx.categoryRule.deleteMany({ where: { psuId } });
      await tx.categoryModel.deleteMany({ where: { psuId } });
      const accounts = (await tx.account.deleteMany({ where: { psuId } })).count;
      const connections = (await tx.connection.deleteMany({ where: { psuId } })).count;
      // Remembered, so nothing links their banks again on its own (the demo seed at a start).
      await tx.erasedPsu.upsert({
        where: { psuId },
        create: { psuId, erasedAt: new Date() },
        update: {},
      });
      return { connections, accounts, transactions };
    },
    { timeout: 60_000 },
  );
}
