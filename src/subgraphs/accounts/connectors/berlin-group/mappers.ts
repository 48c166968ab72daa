/** Berlin Group NextGenPSD2 bodies to the normalized domain types. */
import type {
  AccountIdentification,
  BalanceType,
  BankAccount,
  BankBalance,
  BankConsentStatus,
  TransactionStatus,
} from '../connector.js';
import { Skip } from '../entries.js';
import { accountSubTypeFromIsoCode, dateToIsoUtc, fromSignedAmount } from '../normalize.js';
import type { TransactionDraft } from '../normalize.js';
import type { BgAccount, BgBalance, BgConsentStatus, BgTransaction } from './schemas.js';

/** An account we can address: the spec leaves resourceId optional, we cannot. */
export type AddressableAccount = BgAccount & { resourceId: string };

export function addressable(a: BgAccount): AddressableAccount | Skip {
  return a.resourceId === undefined
    ? new Skip('no_resource_id')
    : { ...a, resourceId: a.resourceId };
}

export function fromAccount(a: BgAccount): BankAccount | Skip {
  if (a.resourceId === undefined) return new Skip('no_resource_id');
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
    ? b.lastChangeDateTime
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
 * Pending entries often have no booking date yet; the value date stands in. A pending entry
 * with neither (card authorisations often come so) is dated by the day we fetched it, the day
 * it is known to be pending; a booked one with neither cannot be placed in history and is
 * left out.
 */
export function fromTransaction(
  bankAccountId: string,
  t: BgTransaction,
  status: TransactionStatus,
  fetchDay: string,
): TransactionDraft | Skip {
  const day = t.bookingDate ?? t.valueDate;
  if (day === undefined && status === 'Booked') return new Skip('undated_booked_entry');
  const { amount, creditDebit } = fromSignedAmount(t.transactionAmount.amount);
  const counterparty =
    creditDebit === 'Debit'
      ? (t.ultimateCreditor ?? t.creditorName)
      : (t.ultimateDebtor ?? t.debtorName);
  const lines = t.remittanceInformationUnstructuredArray?.filter((line) => line !== '');
  const description =
    t.remittanceInformationUnstructured ??
    (lines?.length ? lines.join(' ') : undefined) ??
    t.additionalInformation;
  return {
    bankTransactionId: t.transactionId ?? t.entryReference,
    bankAccountId,
    status,
    amount,
    currency: t.transactionAmount.currency,
    creditDebit,
    bookingDateTime: dateToIsoUtc(day ?? fetchDay),
    valueDateTime: t.valueDate === undefined ? undefined : dateToIsoUtc(t.valueDate),
    description,
    counterpartyName: counterparty,
    bankTransactionCode: t.bankTransactionCode || undefined,
    balanceAfter: t.balanceAfterTransaction?.balanceAmount.amount.replace(/^\+/, ''),
    ...(day === undefined ? { datedByFetch: true } : {}),
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
