/** Small conversions shared by the standards' mappers. */
import { createHash } from 'node:crypto';
import type { AccountSubType, BankTransaction, CreditDebit, DecimalAmount } from './connector.js';

/** A transaction as the bank sent it; the connector fills in ids the bank left out. */
export type TransactionDraft = Omit<BankTransaction, 'bankTransactionId'> & {
  bankTransactionId?: string;
  /** The bank gave no date: bookingDateTime is the day we fetched it (see withIds). */
  datedByFetch?: boolean;
};

/** A signed decimal string ("-12.30") as a non-negative amount plus Credit/Debit. */
export function fromSignedAmount(signed: string): {
  amount: DecimalAmount;
  creditDebit: CreditDebit;
} {
  const negative = signed.startsWith('-');
  const amount = negative ? signed.slice(1) : signed.replace(/^\+/, '');
  return { amount, creditDebit: negative ? 'Debit' : 'Credit' };
}

/** A calendar date (YYYY-MM-DD) as the start of that day in UTC. */
export function dateToIsoUtc(date: string): string {
  return new Date(`${date}T00:00:00Z`).toISOString();
}

/**
 * A stable id for a transaction the bank gave no id: a hash of its content. Identical entries
 * on the same account get a running suffix so they stay distinct. A date we filled in from
 * the fetch day is left out of the hash, so the entry keeps its id from one day to the next.
 */
export function withIds(drafts: readonly TransactionDraft[]): BankTransaction[] {
  const counts = new Map<string, number>();
  return drafts.map(({ datedByFetch, ...draft }) => {
    if (draft.bankTransactionId !== undefined) {
      return { ...draft, bankTransactionId: draft.bankTransactionId };
    }
    // The codes and running balance came later than these ids: leaving them out keeps the
    // ids entries had.
    const {
      bankTransactionCode: _c,
      proprietaryBankTransactionCode: _p,
      balanceAfter: _b,
      ...content
    } = draft;
    const basis = datedByFetch ? { ...content, bookingDateTime: undefined } : content;
    const hash = createHash('sha256').update(JSON.stringify(basis)).digest('hex').slice(0, 32);
    const n = (counts.get(hash) ?? 0) + 1;
    counts.set(hash, n);
    return { ...draft, bankTransactionId: n === 1 ? `h-${hash}` : `h-${hash}-${n}` };
  });
}

/** The ISO 20022 cash account type codes (OBIE v4.0, Berlin Group) we can name. */
export function accountSubTypeFromIsoCode(code: string | undefined): AccountSubType | undefined {
  switch (code) {
    case undefined:
      return undefined;
    case 'CACC':
    case 'TRAN':
    case 'SLRY':
    case 'CASH':
      return 'CurrentAccount';
    case 'SVGS':
    case 'SACC':
    case 'LLSV':
    case 'ONDP':
      return 'Savings';
    case 'CARD':
      return 'CreditCard';
    case 'CHAR':
      return 'ChargeCard';
    case 'LOAN':
      return 'Loan';
    case 'MORT':
    case 'MGLD':
      return 'Mortgage';
    case 'WALT':
      return 'EMoney';
    default:
      return 'Other';
  }
}
