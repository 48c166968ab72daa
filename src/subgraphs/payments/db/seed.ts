import type { PaymentsDb } from './client.ts';

/** One settled demo payment so the graph has something to show before initiation exists. */
export async function seedPaymentsDb(db: PaymentsDb, debtorAccountId: string): Promise<void> {
  await db.payment.upsert({
    where: { id: 'pay_demo_1' },
    update: {},
    create: {
      id: 'pay_demo_1',
      psuId: 'psu_alice',
      clientAppId: 'demo-pfm',
      consentId: 'seed',
      debtorAccountId,
      amount: '25.00',
      currency: 'GBP',
      creditorName: 'Corner Bakery',
      creditorScheme: 'UK.OBIE.SortCodeAccountNumber',
      creditorAccount: '40400412345678',
      reference: 'Cakes',
      status: 'AcceptedSettlementCompleted',
    },
  });
}
