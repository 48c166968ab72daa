/** OBIE v3.1.11 / v4.0 bodies to the normalized domain types. */
import type { z } from 'zod';
import type {
  AccountIdentification,
  BalanceType,
  BankAccount,
  BankBalance,
  BankConsentStatus,
  TransactionStatus,
} from '../connector.js';
import { Skip } from '../entries.js';
import { accountSubTypeFromIsoCode } from '../normalize.js';
import type { TransactionDraft } from '../normalize.js';
import type { accountV3, accountV4, balance, transaction } from './schemas.js';

type AccountV3 = z.infer<typeof accountV3>;
type AccountV4 = z.infer<typeof accountV4>;
type RawBalance = z.infer<ReturnType<typeof balance>>;
type RawTransaction = z.infer<ReturnType<typeof transaction>>;

/** Currency is optional in the spec, but an account without one cannot carry amounts. */
export function fromAccountV3(a: AccountV3): BankAccount | Skip {
  if (a.Currency === undefined) return new Skip('no_currency');
  return {
    bankAccountId: a.AccountId,
    currency: a.Currency,
    accountType: a.AccountType ?? 'Unknown',
    accountSubType: a.AccountSubType,
    nickname: a.Nickname,
    identification: firstIdentification(a.Account),
  };
}

export function fromAccountV4(a: AccountV4): BankAccount | Skip {
  if (a.Currency === undefined) return new Skip('no_currency');
  return {
    bankAccountId: a.AccountId,
    currency: a.Currency,
    accountType: a.AccountCategory ?? 'Unknown',
    accountSubType: accountSubTypeFromIsoCode(a.AccountTypeCode),
    nickname: a.Nickname,
    identification: firstIdentification(a.Account),
  };
}

function firstIdentification(list: AccountV3['Account']): AccountIdentification | undefined {
  const first = list?.[0];
  if (!first) return undefined;
  return {
    scheme: first.SchemeName.replace(/^UK\.OBIE\./, ''),
    identification: first.Identification,
    name: first.Name,
  };
}

export const balanceTypeV4: Record<string, BalanceType> = {
  CLAV: 'ClosingAvailable',
  CLBD: 'ClosingBooked',
  FWAV: 'ForwardAvailable',
  INFO: 'Information',
  ITAV: 'InterimAvailable',
  ITBD: 'InterimBooked',
  OPAV: 'OpeningAvailable',
  OPBD: 'OpeningBooked',
  PRCD: 'PreviouslyClosedBooked',
  XPCD: 'Expected',
};

export function fromBalance(b: RawBalance, type: BalanceType): BankBalance {
  return {
    bankAccountId: b.AccountId,
    type,
    amount: b.Amount.Amount,
    currency: b.Amount.Currency,
    creditDebit: b.CreditDebitIndicator,
    dateTime: b.DateTime,
  };
}

/**
 * v4.0 entry statuses. FUTR (on the books, value date ahead) is shown as Pending; INFO and
 * RJCT never moved money, so they are dropped (undefined), like v3's Rejected.
 */
export const transactionStatusV4: Record<string, TransactionStatus | undefined> = {
  BOOK: 'Booked',
  PDNG: 'Pending',
  FUTR: 'Pending',
  INFO: undefined,
  RJCT: undefined,
};

export function fromTransaction(
  t: RawTransaction,
  status: TransactionStatus | undefined,
): TransactionDraft | undefined {
  if (status === undefined) return undefined;
  // The other party is the creditor when money left the account, the debtor when it came in.
  const counterparty =
    t.CreditDebitIndicator === 'Debit'
      ? (t.UltimateCreditor?.Name ?? t.CreditorAccount?.Name)
      : (t.UltimateDebtor?.Name ?? t.DebtorAccount?.Name);
  return {
    bankTransactionId: t.TransactionId,
    bankAccountId: t.AccountId,
    status,
    amount: t.Amount.Amount,
    currency: t.Amount.Currency,
    creditDebit: t.CreditDebitIndicator,
    bookingDateTime: t.BookingDateTime,
    valueDateTime: t.ValueDateTime,
    description: t.TransactionInformation,
    counterpartyName: counterparty,
    merchantName: t.MerchantDetails?.MerchantName,
    merchantCategoryCode: t.MerchantDetails?.MerchantCategoryCode,
    bankTransactionCode: t.BankTransactionCode
      ? `${t.BankTransactionCode.Code}/${t.BankTransactionCode.SubCode}`
      : undefined,
    proprietaryBankTransactionCode: t.ProprietaryBankTransactionCode?.Code,
    balanceAfter: t.Balance
      ? `${t.Balance.CreditDebitIndicator === 'Debit' ? '-' : ''}${t.Balance.Amount.Amount}`
      : undefined,
  };
}

export const consentStatus: Record<string, BankConsentStatus> = {
  AwaitingAuthorisation: 'AwaitingAuthorisation',
  Authorised: 'Authorised',
  Rejected: 'Rejected',
  Revoked: 'Revoked',
  AWAU: 'AwaitingAuthorisation',
  AUTH: 'Authorised',
  RJCT: 'Rejected',
  CANC: 'Revoked',
  EXPD: 'Expired',
};
