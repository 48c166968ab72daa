import type { Region } from './catalogue.js';

/** Bank-side records, independent of any wire format; obie/ and berlin-group/ map them. */
export interface SandboxPsu {
  username: string;
  displayName: string;
}

export type AccountProduct = 'current' | 'savings';

export interface SandboxAccount {
  accountId: string;
  psu: string;
  ownerName: string;
  region: Region;
  currency: 'GBP' | 'EUR';
  product: AccountProduct;
  nickname: string;
  description: string;
  iban: string;
  bic: string;
  /** UK accounts only. */
  sortCode?: string;
  accountNumber?: string;
  openingTime: number;
  creditLimitMinor: number;
  /** Sub-seed for this account's history; histories are generated lazily from it. */
  seed: number;
}

export type TransactionKind =
  | 'salary'
  | 'card'
  | 'direct-debit'
  | 'standing-order'
  | 'transfer-in'
  | 'transfer-out'
  | 'cash-withdrawal'
  | 'interest'
  | 'refund';

export interface Counterparty {
  name: string;
  iban: string;
  bic: string;
  sortCode?: string;
  accountNumber?: string;
}

export interface CardUse {
  scheme: 'VISA' | 'MasterCard';
  authorisation: 'Contactless' | 'PIN' | 'ConsumerDevice' | 'None';
  maskedPan: string;
  holderName: string;
}

export interface LedgerEntry {
  transactionId: string;
  reference: string;
  kind: TransactionKind;
  /** Epoch milliseconds, UTC. */
  bookingTime: number;
  valueTime: number;
  /** Minor units (pence, cents); positive is a credit to the account. */
  amountMinor: number;
  status: 'booked' | 'pending';
  information: string;
  merchant?: { name: string; categoryCode: string };
  counterparty?: Counterparty;
  card?: CardUse;
  /** Booked balance after this entry; absent on pending entries. */
  balanceAfterMinor?: number;
}

export interface Ledger {
  openingBalanceMinor: number;
  bookedBalanceMinor: number;
  /** Sum of pending entries (negative when card holds are outstanding). */
  pendingMinor: number;
  /** Chronological, oldest first. */
  entries: readonly LedgerEntry[];
  /** Time of the last booked entry, used as the balance's DateTime. */
  lastBookedTime: number;
}
