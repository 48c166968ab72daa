import DataLoader from 'dataloader';
import type { SubgraphContext } from '../../../shared/auth/context.ts';
import type { PaymentRow, PaymentStatusChangeRow } from '../db/client.ts';
import { callerOf } from '../services/caller.ts';
import type { PaymentService } from '../services/payment.service.ts';

/** Per request: nested fields and entity references batch into one query each. */
export function createPaymentLoaders(payments: PaymentService, base: SubgraphContext) {
  return {
    payment: new DataLoader<string, PaymentRow | null>((ids) =>
      payments.byIds(callerOf(base), ids),
    ),
    paymentOfConsent: new DataLoader<string, PaymentRow | null>((ids) =>
      payments.byConsentIds(ids),
    ),
    history: new DataLoader<string, PaymentStatusChangeRow[]>((ids) => payments.histories(ids)),
  };
}
export type PaymentLoaders = ReturnType<typeof createPaymentLoaders>;

export interface PaymentsContext extends SubgraphContext {
  loaders: PaymentLoaders;
}
