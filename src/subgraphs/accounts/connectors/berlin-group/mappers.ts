/** Berlin Group NextGenPSD2 bodies to the normalized domain types. */
import type {
  AccountIdentification,
  BalanceType,
  BankAccount,
  BankBalance,
  BankConsentStatus,
  TransactionStatus,
} from '../connector.js';
import {
  accountSubTypeFromIsoCode,
  dateToIsoUtc,
  fromSignedAmount,
  toIsoUtc,
} from '../normalize.js';
import type { TransactionDraft } from '../normalize.js';
import type { BgAccount, BgBalance, BgConsentStatus, BgTransaction } from './schemas.js';

export function fromAccount(a: BgAccount): BankAccount {
  return {
    bankAccountId: a.resourceId,
    currency: a.currency,
    accountType: a.usage === 'PRIV' ? 'Personal' : a.usage === 'ORGA' ? 'Business' : 'Unknown',
    accountSubType: accountSubTypeFromIsoCode(a.cashAccountType),
    nickname: a.displayName ?? a.name ?? a.product,
    identification: identificationOf(a),
  };
}

function identificationOf(a: BgAccount): AccountIdentification | undefined {
  const name = a.ownerName;
  if (a.iban) return { scheme: 'IBAN', identification: a.iban, name };
  if (a.bban) return { scheme: 'BBAN', identification: a.bban, name };
  if (a.msisdn) return { scheme: 'MSISDN', identification: a.msisdn, name };
  return undefined;
}

const balanceType: Record<BgBalance['balanceType'], BalanceType> = {
  closingBooked: 'ClosingBooked',
  expected: 'Expected',
  openingBooked: 'OpeningBooked',
  interimAvailable: 'InterimAvailable',
  interimBooked: 'InterimBooked',
  forwardAvailable: 'ForwardAvailable',
  nonInvoiced: 'NonInvoiced',
};

/** fetchedAt stands in when the bank dates a balance neither by time nor by day. */
export function fromBalance(bankAccountId: string, b: BgBalance, fetchedAt: string): BankBalance {
  const dateTime = b.lastChangeDateTime
    ? toIsoUtc(b.lastChangeDateTime)
    : b.referenceDate
      ? dateToIsoUtc(b.referenceDate)
      : fetchedAt;
  return {
    bankAccountId,
    type: balanceType[b.balanceType],
    ...fromSignedAmount(b.balanceAmount.amount),
    currency: b.balanceAmount.currency,
    dateTime,
  };
}

/**
 * Pending entries often have no booking date yet; the value date stands in. An entry with
 * neither cannot be placed in time, and is reported as undefined (the caller refuses the page).
 */
export function fromTransaction(
  bankAccountId: string,
  t: BgTransaction,
  status: TransactionStatus,
): TransactionDraft | undefined {
  const day = t.bookingDate ?? t.valueDate;
  if (day === undefined) return undefined;
  const { amount, creditDebit } = fromSignedAmount(t.transactionAmount.amount);
  const counterparty =
    creditDebit === 'Debit'
      ? (t.ultimateCreditor ?? t.creditorName)
      : (t.ultimateDebtor ?? t.debtorName);
  const description =
    t.remittanceInformationUnstructured ??
    t.remittanceInformationUnstructuredArray?.join(' ') ??
    t.additionalInformation;
  return {
    bankTransactionId: t.transactionId ?? t.entryReference,
    bankAccountId,
    status,
    amount,
    currency: t.transactionAmount.currency,
    creditDebit,
    bookingDateTime: dateToIsoUtc(day),
    valueDateTime: t.valueDate === undefined ? undefined : dateToIsoUtc(t.valueDate),
    description: description === '' ? undefined : description,
    counterpartyName: counterparty,
  };
}

export const consentStatus: Record<BgConsentStatus, BankConsentStatus> = {
  received: 'AwaitingAuthorisation',
  partiallyAuthorised: 'AwaitingAuthorisation', // multi-level SCA not finished yet
  valid: 'Authorised',
  rejected: 'Rejected',
  revokedByPsu: 'Revoked',
  terminatedByTpp: 'Revoked',
  expired: 'Expired',
};
