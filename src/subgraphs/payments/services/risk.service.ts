import type { PaymentsDb } from '../db/client.ts';
import { PaymentStatus } from '../connectors/status.ts';
import type { PsuHistory, RiskSettings } from './risk.ts';

/** How far back the anomaly rule looks for the PSU's usual amount. */
const HISTORY_SAMPLE = 50;

/** Reads what the risk rules need about one PSU from the payments store. */
export class RiskHistory {
  constructor(
    private readonly db: PaymentsDb,
    private readonly settings: RiskSettings,
  ) {}

  async of(
    psuId: string,
    candidate: { currency: string; creditorScheme: string; creditorAccount: string },
    now: Date,
  ): Promise<PsuHistory> {
    const windowSeconds = Math.max(
      this.settings.limits.velocity.windowSeconds,
      this.settings.anomaly.burst.windowSeconds,
    );
    const sent = { bankPaymentId: { not: null }, status: { not: PaymentStatus.Rejected } };
    const [recent, past, known] = await Promise.all([
      this.db.domesticPayment.findMany({
        where: {
          psuId,
          status: { not: PaymentStatus.Rejected },
          createdAt: { gt: new Date(now.getTime() - windowSeconds * 1000) },
        },
        select: { amount: true, currency: true, createdAt: true },
        orderBy: { createdAt: 'desc' },
      }),
      this.db.domesticPayment.findMany({
        where: { psuId, currency: candidate.currency, ...sent },
        select: { amount: true },
        orderBy: { createdAt: 'desc' },
        take: HISTORY_SAMPLE,
      }),
      this.db.domesticPayment.findFirst({
        where: {
          psuId,
          creditorScheme: candidate.creditorScheme,
          creditorAccount: candidate.creditorAccount,
          ...sent,
        },
        select: { id: true },
      }),
    ]);
    return { recent, pastAmounts: past.map((p) => p.amount), creditorKnown: known !== null };
  }
}
