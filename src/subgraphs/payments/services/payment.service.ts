import type { Principal } from '../../../shared/auth/principal.ts';
import { forbidden } from '../../../shared/errors/index.ts';
import type { PaymentsDb } from '../db/client.ts';
import { Payment } from '../schema/payment.type.ts';

/** A client app sees the payments it initiated for the PSU its consent is bound to. */
export class PaymentService {
  constructor(private readonly db: PaymentsDb) {}

  async visible(principal: Principal): Promise<Payment[]> {
    if (principal.kind !== 'consent' || !principal.psuId) {
      throw forbidden('Payments are visible only under a consent-bound token');
    }
    const rows = await this.db.payment.findMany({
      where: { psuId: principal.psuId, clientAppId: principal.clientId },
      orderBy: { createdAt: 'desc' },
    });
    return rows.map((r) =>
      Object.assign(new Payment(), {
        id: r.id,
        amount: r.amount,
        currency: r.currency,
        creditorName: r.creditorName,
        reference: r.reference,
        status: r.status,
        createdAt: r.createdAt,
        debtorAccountId: r.debtorAccountId,
      }),
    );
  }
}
