import type { PaymentsDb } from '../db/client.ts';

export interface PaymentsStoreErasure {
  /** Payments kept whole: younger than the PSU's jurisdiction's record retention. */
  paymentsKept: number;
  /** Payments and payment consents past it (or never paid) whose details were erased. */
  paymentsErased: number;
  consentsErased: number;
}

/** What stands in for an erased name, account or reference (the columns are required). */
export const erasedValue = '';

/**
 * Erases a PSU's personal data from the payments store where no retention duty applies
 * (GDPR art. 17(3)(b)): a payment is a record of a payment transaction, which must be kept
 * for the jurisdiction's period (`paymentRecordRetentionDays`, src/shared/jurisdiction: 5
 * years under PSRs 2017 reg. 25 / PSD2 art. 21); younger payments stay whole, with their
 * consents. Past it, the payment and its consent lose the creditor's name and account, the
 * reference and the sealed debtor account and bank session. Consents that never became a
 * payment record no transaction: they are erased whatever their age. Amounts, dates,
 * statuses and ids stay: without a name they no longer identify anyone, and they keep the
 * store's references whole. SCA challenges (hashed codes) of erased consents are deleted.
 */
export async function erasePaymentsOf(
  db: PaymentsDb,
  psuId: string,
  o: { now: Date; retentionDays: number },
): Promise<PaymentsStoreErasure> {
  const cutoff = new Date(o.now.getTime() - o.retentionDays * 86_400_000);
  return db.$transaction(
    async (tx) => {
      const paymentsKept = await tx.domesticPayment.count({
        where: { psuId, createdAt: { gte: cutoff } },
      });
      const details = {
        creditorName: erasedValue,
        creditorAccount: erasedValue,
        reference: erasedValue,
      };
      const paymentsErased = (
        await tx.domesticPayment.updateMany({
          where: { psuId, createdAt: { lt: cutoff } },
          data: details,
        })
      ).count;
      const consents = {
        psuId,
        OR: [{ payment: null }, { payment: { createdAt: { lt: cutoff } } }],
      };
      const erasable = (
        await tx.domesticPaymentConsent.findMany({ where: consents, select: { id: true } })
      ).map((c) => c.id);
      await tx.scaChallenge.deleteMany({ where: { paymentConsentId: { in: erasable } } });
      const consentsErased = (
        await tx.domesticPaymentConsent.updateMany({
          where: { id: { in: erasable } },
          data: { ...details, debtorSealed: null, bankSessionSealed: null },
        })
      ).count;
      return { paymentsKept, paymentsErased, consentsErased };
    },
    { timeout: 60_000 },
  );
}
