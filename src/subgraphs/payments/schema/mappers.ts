import type { PaymentConsentRow, PaymentRow, PaymentStatusChangeRow } from '../db/client.ts';
import type { PaymentConsentStatus, PaymentStatus } from '../connectors/status.ts';
import type { AccountScheme } from '../services/identifiers.ts';
import type { RiskFlag } from '../services/risk.ts';
import type { IssuedChallenge } from '../services/sca.service.ts';
import { AccountRef } from './account.stub.ts';
import { PaymentAuthorisation, PaymentChallenge, PaymentConsent } from './payment-consent.type.ts';
import { Payment, PaymentCreditor, PaymentStatusChange } from './payment.type.ts';

function creditorOf(row: PaymentRow | PaymentConsentRow): PaymentCreditor {
  return Object.assign(new PaymentCreditor(), {
    name: row.creditorName,
    scheme: row.creditorScheme as AccountScheme,
    identification: row.creditorAccount,
  });
}

export function toPayment(row: PaymentRow): Payment {
  return Object.assign(new Payment(), {
    id: row.id,
    paymentConsentId: row.paymentConsentId,
    bankId: row.bankId,
    bankPaymentId: row.bankPaymentId,
    amount: row.amount,
    currency: row.currency,
    creditor: creditorOf(row),
    reference: row.reference,
    status: row.status as PaymentStatus,
    bankStatus: row.bankStatus,
    statusReason: row.statusReason,
    riskFlags: row.flags.split(' ').filter(Boolean) as RiskFlag[],
    authorisationUrl: row.authorisationUrl,
    statusCheckedAt: row.statusCheckedAt,
    createdAt: row.createdAt,
    debtorAccountId: row.debtorAccountId,
  });
}

export function toPaymentConsent(row: PaymentConsentRow, authorisationUrl?: string): PaymentConsent {
  return Object.assign(new PaymentConsent(), {
    id: row.id,
    bankId: row.bankId,
    status: row.status as PaymentConsentStatus,
    amount: row.amount,
    currency: row.currency,
    creditor: creditorOf(row),
    reference: row.reference,
    authorisation: row.bankConsentId
      ? Object.assign(new PaymentAuthorisation(), {
          bankConsentId: row.bankConsentId,
          url: authorisationUrl ?? null,
        })
      : null,
    createdAt: row.createdAt,
    debtorAccountId: row.debtorAccountId,
  });
}

export function toStatusChange(row: PaymentStatusChangeRow): PaymentStatusChange {
  return Object.assign(new PaymentStatusChange(), {
    fromStatus: row.fromStatus as PaymentStatus | null,
    toStatus: row.toStatus as PaymentStatus,
    bankStatus: row.bankStatus,
    reason: row.reason,
    at: row.at,
  });
}

export function toChallenge(issued: IssuedChallenge, sandbox: boolean): PaymentChallenge {
  return Object.assign(new PaymentChallenge(), {
    id: issued.id,
    paymentConsentId: issued.paymentConsentId,
    expiresAt: issued.expiresAt,
    attemptsAllowed: issued.attemptsAllowed,
    sandboxCode: sandbox ? issued.code : null,
  });
}

export function toAccountRef(id: string | null): AccountRef | null {
  return id === null ? null : Object.assign(new AccountRef(), { id });
}
