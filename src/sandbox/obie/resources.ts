import { formatDateTime, formatMinor } from '../data/format.js';
import type { Ledger, LedgerEntry, SandboxAccount, TransactionKind } from '../data/model.js';
import type { ObieDialect } from './dialect.js';
import type { AccessView } from './permissions.js';

/** OBAccount6: identification and servicer only with ReadAccountsDetail. */
export function accountResource(
  dialect: ObieDialect,
  account: SandboxAccount,
  view: AccessView,
): Record<string, unknown> {
  const resource: Record<string, unknown> = {
    AccountId: account.accountId,
    Status: 'Enabled',
    StatusUpdateDateTime: formatDateTime(account.openingTime),
    Currency: account.currency,
    ...dialect.accountType(account.product),
    Description: account.description,
    Nickname: account.nickname,
    OpeningDate: formatDateTime(account.openingTime),
  };
  if (view.accountDetail) {
    const identifications: Array<Record<string, string>> = [];
    if (account.sortCode && account.accountNumber) {
      identifications.push({
        SchemeName: 'UK.OBIE.SortCodeAccountNumber',
        Identification: `${account.sortCode}${account.accountNumber}`,
        Name: account.ownerName,
      });
    }
    identifications.push({
      SchemeName: 'UK.OBIE.IBAN',
      Identification: account.iban,
      Name: account.ownerName,
    });
    resource.Account = identifications;
    resource.Servicer = { SchemeName: 'UK.OBIE.BICFI', Identification: account.bic };
  }
  return resource;
}

function signedAmount(minor: number, currency: string): Record<string, unknown> {
  return {
    CreditDebitIndicator: minor < 0 ? 'Debit' : 'Credit',
    Amount: { Amount: formatMinor(minor), Currency: currency },
  };
}

/** Booked and available balances as of the end of the generated history. */
export function balanceResources(
  dialect: ObieDialect,
  account: SandboxAccount,
  ledger: Ledger,
  asOf: number,
): Array<Record<string, unknown>> {
  const creditLine =
    account.creditLimitMinor > 0
      ? [
          {
            Included: false,
            Type: 'Pre-Agreed',
            Amount: { Amount: formatMinor(account.creditLimitMinor), Currency: account.currency },
          },
        ]
      : undefined;
  const balance = (type: string, minor: number): Record<string, unknown> => {
    const signed = signedAmount(minor, account.currency);
    return {
      AccountId: account.accountId,
      CreditDebitIndicator: signed.CreditDebitIndicator,
      Type: type,
      DateTime: formatDateTime(asOf),
      Amount: signed.Amount,
      ...(creditLine ? { CreditLine: creditLine } : {}),
    };
  };
  return [
    balance(dialect.balanceType('interim-booked'), ledger.bookedBalanceMinor),
    balance(
      dialect.balanceType('interim-available'),
      ledger.bookedBalanceMinor + ledger.pendingMinor,
    ),
  ];
}

// ISO 20022 bank transaction codes, spelled out as the OBIE examples do.
const bankTransactionCodes: Readonly<Record<TransactionKind, readonly [string, string]>> = {
  salary: ['ReceivedCreditTransfers', 'DomesticCreditTransfer'],
  card: ['CustomerCardTransactions', 'PointOfSalePayment'],
  'direct-debit': ['ReceivedDirectDebits', 'DirectDebitPayment'],
  'standing-order': ['IssuedCreditTransfers', 'StandingOrder'],
  'transfer-in': ['ReceivedCreditTransfers', 'DomesticCreditTransfer'],
  'transfer-out': ['IssuedCreditTransfers', 'DomesticCreditTransfer'],
  'cash-withdrawal': ['CustomerCardTransactions', 'CashWithdrawal'],
  interest: ['MiscellaneousCreditOperations', 'Interest'],
  refund: ['CustomerCardTransactions', 'Reversal'],
};

const proprietaryCodes: Readonly<Record<TransactionKind, string>> = {
  salary: 'BGC',
  card: 'POS',
  'direct-debit': 'DD',
  'standing-order': 'SO',
  'transfer-in': 'FPI',
  'transfer-out': 'FPO',
  'cash-withdrawal': 'ATM',
  interest: 'INT',
  refund: 'REF',
};

/**
 * OBTransaction6. With Basic permissions the narrative, running balance, merchant and
 * counterparty are withheld. The card number is masked in both views: ReadPAN would unmask
 * it, but no real PAN exists here to show.
 */
export function transactionResource(
  dialect: ObieDialect,
  account: SandboxAccount,
  entry: LedgerEntry,
  detail: boolean,
): Record<string, unknown> {
  const [code, subCode] = bankTransactionCodes[entry.kind];
  const signed = signedAmount(entry.amountMinor, account.currency);
  const resource: Record<string, unknown> = {
    AccountId: account.accountId,
    TransactionId: entry.transactionId,
    TransactionReference: entry.reference,
    CreditDebitIndicator: signed.CreditDebitIndicator,
    Status: dialect.entryStatus(entry.status),
    TransactionMutability: entry.status === 'booked' ? 'Immutable' : 'Mutable',
    BookingDateTime: formatDateTime(entry.bookingTime),
    ValueDateTime: formatDateTime(entry.valueTime),
    Amount: signed.Amount,
    BankTransactionCode: { Code: code, SubCode: subCode },
    ProprietaryBankTransactionCode: { Code: proprietaryCodes[entry.kind], Issuer: account.bic },
  };
  if (entry.card) {
    resource.CardInstrument = {
      CardSchemeName: entry.card.scheme,
      AuthorisationType: entry.card.authorisation,
      Name: entry.card.holderName,
      Identification: entry.card.maskedPan,
    };
  }
  if (!detail) return resource;
  resource.TransactionInformation = entry.information;
  if (entry.balanceAfterMinor !== undefined) {
    const balance = signedAmount(entry.balanceAfterMinor, account.currency);
    resource.Balance = {
      CreditDebitIndicator: balance.CreditDebitIndicator,
      Type: dialect.balanceType('interim-booked'),
      Amount: balance.Amount,
    };
  }
  if (entry.merchant) {
    resource.MerchantDetails = {
      MerchantName: entry.merchant.name,
      MerchantCategoryCode: entry.merchant.categoryCode,
    };
  }
  if (entry.counterparty) {
    const party = entry.counterparty;
    const cashAccount = party.sortCode
      ? {
          SchemeName: 'UK.OBIE.SortCodeAccountNumber',
          Identification: `${party.sortCode}${party.accountNumber ?? ''}`,
          Name: party.name,
        }
      : { SchemeName: 'UK.OBIE.IBAN', Identification: party.iban, Name: party.name };
    const agent = { SchemeName: 'UK.OBIE.BICFI', Identification: party.bic };
    if (entry.amountMinor < 0) {
      resource.CreditorAgent = agent;
      resource.CreditorAccount = cashAccount;
    } else {
      resource.DebtorAgent = agent;
      resource.DebtorAccount = cashAccount;
    }
  }
  return resource;
}
