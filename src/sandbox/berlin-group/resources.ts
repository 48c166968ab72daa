import { DAY_MS, formatDate, formatDateTime, formatSignedMinor } from '../data/format.js';
import type { Ledger, LedgerEntry, SandboxAccount, TransactionKind } from '../data/model.js';

export function accountReference(account: SandboxAccount): Record<string, string> {
  return { iban: account.iban, currency: account.currency };
}

function amount(account: SandboxAccount, minor: number): Record<string, string> {
  return { currency: account.currency, amount: formatSignedMinor(minor) };
}

/** closingBooked for the end of the last day of history, interimAvailable with holds. */
export function balances(
  account: SandboxAccount,
  ledger: Ledger,
  asOf: number,
): Array<Record<string, unknown>> {
  return [
    {
      balanceAmount: amount(account, ledger.bookedBalanceMinor),
      balanceType: 'closingBooked',
      referenceDate: formatDate(asOf - DAY_MS),
    },
    {
      balanceAmount: amount(account, ledger.bookedBalanceMinor + ledger.pendingMinor),
      balanceType: 'interimAvailable',
      creditLimitIncluded: false,
      lastChangeDateTime: formatDateTime(ledger.lastBookedTime),
    },
  ];
}

export interface AccountGrant {
  balances: boolean;
  transactions: boolean;
  ownerName: boolean;
}

export function accountDetails(
  origin: string,
  account: SandboxAccount,
  grant: AccountGrant,
  withBalances?: Array<Record<string, unknown>>,
): Record<string, unknown> {
  const details: Record<string, unknown> = {
    resourceId: account.accountId,
    iban: account.iban,
    currency: account.currency,
    name: account.nickname,
    product: account.description,
    cashAccountType: account.product === 'current' ? 'CACC' : 'SVGS',
    status: 'enabled',
    bic: account.bic,
    usage: 'PRIV',
  };
  if (grant.ownerName) details.ownerName = account.ownerName;
  if (withBalances) details.balances = withBalances;
  const links: Record<string, { href: string }> = {};
  const self = `${origin}/v1/accounts/${account.accountId}`;
  if (grant.balances) links.balances = { href: `${self}/balances` };
  if (grant.transactions) links.transactions = { href: `${self}/transactions` };
  details._links = links;
  return details;
}

// ISO 20022 Domain-Family-SubFamily codes.
const bankTransactionCodes: Readonly<Record<TransactionKind, string>> = {
  salary: 'PMNT-RCDT-ESCT',
  card: 'PMNT-CCRD-POSD',
  'direct-debit': 'PMNT-RDDT-ESDD',
  'standing-order': 'PMNT-ICDT-STDO',
  'transfer-in': 'PMNT-RCDT-ESCT',
  'transfer-out': 'PMNT-ICDT-ESCT',
  'cash-withdrawal': 'PMNT-CCRD-CWDL',
  interest: 'ACMT-MCOP-INTR',
  refund: 'PMNT-CCRD-RIMB',
};

/**
 * Pending entries have no bookingDate: they are not on the books yet. Card payments name
 * the merchant as creditor; BG has no field for the merchant category on bank accounts.
 */
export function transaction(account: SandboxAccount, entry: LedgerEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {
    transactionId: entry.transactionId,
    entryReference: entry.reference,
  };
  if (entry.counterparty && entry.kind !== 'salary') out.endToEndId = entry.reference;
  if (entry.status === 'booked') out.bookingDate = formatDate(entry.bookingTime);
  out.valueDate = formatDate(entry.valueTime);
  out.transactionAmount = amount(account, entry.amountMinor);
  const debit = entry.amountMinor < 0;
  if (entry.merchant) {
    out[debit ? 'creditorName' : 'debtorName'] = entry.merchant.name;
  } else if (entry.counterparty) {
    const party = entry.counterparty;
    const side = debit ? 'creditor' : 'debtor';
    out[`${side}Name`] = party.name.slice(0, 70);
    out[`${side}Account`] = { iban: party.iban };
    out[`${side}Agent`] = party.bic;
  }
  out.remittanceInformationUnstructured = entry.information.slice(0, 140);
  out.bankTransactionCode = bankTransactionCodes[entry.kind];
  if (entry.balanceAfterMinor !== undefined) {
    out.balanceAfterTransaction = {
      balanceAmount: amount(account, entry.balanceAfterMinor),
      balanceType: 'interimBooked',
    };
  }
  return out;
}
