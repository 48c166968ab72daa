/**
 * One status vocabulary for every bank: the OBIE v3.1 names. v4.0 and Berlin Group send
 * ISO 20022 codes, mapped here by what they mean for the money; the bank's own code is
 * kept beside it (bankStatus) so nothing is lost.
 */
export const PaymentStatus = {
  Pending: 'Pending',
  AcceptedSettlementInProcess: 'AcceptedSettlementInProcess',
  AcceptedSettlementCompleted: 'AcceptedSettlementCompleted',
  AcceptedCreditSettlementCompleted: 'AcceptedCreditSettlementCompleted',
  AcceptedWithoutPosting: 'AcceptedWithoutPosting',
  Rejected: 'Rejected',
  /** Ours, not the bank's: flagged by the risk rules and not sent. */
  HeldForReview: 'HeldForReview',
} as const;
export type PaymentStatus = (typeof PaymentStatus)[keyof typeof PaymentStatus];

export const PaymentConsentStatus = {
  AwaitingAuthorisation: 'AwaitingAuthorisation',
  Authorised: 'Authorised',
  Rejected: 'Rejected',
  Consumed: 'Consumed',
} as const;
export type PaymentConsentStatus = (typeof PaymentConsentStatus)[keyof typeof PaymentConsentStatus];

const v31Payment = new Set<string>([
  'Pending',
  'AcceptedSettlementInProcess',
  'AcceptedSettlementCompleted',
  'AcceptedCreditSettlementCompleted',
  'AcceptedWithoutPosting',
  'Rejected',
]);

/**
 * ExternalPaymentTransactionStatus1Code. Only technical acceptance (ACTC) or less is still
 * Pending; once customer profile or funds are checked (ACCP, ACFC, ACWC) v3.1 calls it
 * AcceptedSettlementInProcess ("all preceding checks ... successful"). CANC (Berlin Group)
 * never moves money, so it reads as Rejected.
 */
const isoPayment: Readonly<Record<string, PaymentStatus>> = {
  RCVD: 'Pending',
  PDNG: 'Pending',
  ACTC: 'Pending',
  PATC: 'Pending',
  BLCK: 'Pending',
  ACCP: 'AcceptedSettlementInProcess',
  ACFC: 'AcceptedSettlementInProcess',
  ACWC: 'AcceptedSettlementInProcess',
  ACSP: 'AcceptedSettlementInProcess',
  PART: 'AcceptedSettlementInProcess',
  ACSC: 'AcceptedSettlementCompleted',
  ACCC: 'AcceptedCreditSettlementCompleted',
  ACWP: 'AcceptedWithoutPosting',
  RJCT: 'Rejected',
  CANC: 'Rejected',
};

/** Undefined for a code neither vocabulary knows: the caller treats it as malformed. */
export function paymentStatusOf(bankStatus: string): PaymentStatus | undefined {
  if (v31Payment.has(bankStatus)) return bankStatus as PaymentStatus;
  return isoPayment[bankStatus];
}

const isoConsent: Readonly<Record<string, PaymentConsentStatus>> = {
  AWAU: 'AwaitingAuthorisation',
  AUTH: 'Authorised',
  RJCT: 'Rejected',
  COND: 'Consumed',
};

export function consentStatusOf(bankStatus: string): PaymentConsentStatus | undefined {
  if ((Object.values(PaymentConsentStatus) as string[]).includes(bankStatus)) {
    return bankStatus as PaymentConsentStatus;
  }
  return isoConsent[bankStatus];
}

/** Statuses after which the bank will not change its mind: no more refreshing. */
export const finalStatuses: ReadonlySet<PaymentStatus> = new Set<PaymentStatus>([
  'AcceptedSettlementCompleted',
  'AcceptedCreditSettlementCompleted',
  'AcceptedWithoutPosting',
  'Rejected',
]);
