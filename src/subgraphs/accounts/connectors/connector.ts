/**
 * One interface in front of every bank, whatever standard it speaks. Everything that crosses
 * it is normalized: money is a non-negative decimal string plus a currency and a Credit/Debit
 * indicator (never a float), dates are ISO 8601 strings, statuses use one vocabulary.
 *
 * Every error a connector throws is an AppError (src/shared/errors) whose details carry the
 * bankId; see ./errors.ts for the reasons.
 */

import type { BankStandard } from '../../../shared/bank-http/errors.js';
export type { BankStandard };

export type CreditDebit = 'Credit' | 'Debit';

/** A decimal string such as "123.45": non-negative, sign carried by CreditDebit. */
export type DecimalAmount = string;

export type AccountType = 'Personal' | 'Business' | 'Unknown';

export type AccountSubType =
  | 'CurrentAccount'
  | 'Savings'
  | 'CreditCard'
  | 'ChargeCard'
  | 'PrePaidCard'
  | 'EMoney'
  | 'Loan'
  | 'Mortgage'
  | 'Other';

export interface AccountIdentification {
  /** e.g. SortCodeAccountNumber, IBAN, BBAN, PAN, MSISDN (OBIE's "UK.OBIE." prefix dropped). */
  scheme: string;
  identification: string;
  name?: string;
}

export interface BankAccount {
  bankAccountId: string;
  currency: string;
  accountType: AccountType;
  accountSubType?: AccountSubType;
  nickname?: string;
  identification?: AccountIdentification;
}

/** OBIE v3.1.x balance type names; v4.0 ISO codes and Berlin Group names map onto these. */
export type BalanceType =
  | 'ClosingAvailable'
  | 'ClosingBooked'
  | 'ClosingCleared'
  | 'Expected'
  | 'ForwardAvailable'
  | 'Information'
  | 'InterimAvailable'
  | 'InterimBooked'
  | 'InterimCleared'
  | 'OpeningAvailable'
  | 'OpeningBooked'
  | 'OpeningCleared'
  | 'PreviouslyClosedBooked'
  | 'NonInvoiced';

export interface BankBalance {
  bankAccountId: string;
  type: BalanceType;
  amount: DecimalAmount;
  currency: string;
  creditDebit: CreditDebit;
  /** When the bank says the balance was valid; the fetch time if the bank gives none (BG). */
  dateTime: string;
}

export type TransactionStatus = 'Booked' | 'Pending';

export interface BankTransaction {
  bankTransactionId: string;
  bankAccountId: string;
  status: TransactionStatus;
  amount: DecimalAmount;
  currency: string;
  creditDebit: CreditDebit;
  bookingDateTime: string;
  valueDateTime?: string;
  description?: string;
  counterpartyName?: string;
  merchantName?: string;
  merchantCategoryCode?: string;
  /**
   * ISO 20022 bank transaction code: "Domain-Family-SubFamily" (Berlin Group) or OBIE's
   * spelled-out "Family/SubFamily" (e.g. "ReceivedCreditTransfers/DomesticCreditTransfer").
   */
  bankTransactionCode?: string;
  /** The bank's own code (OBIE ProprietaryBankTransactionCode.Code), e.g. "DD", "BGC". */
  proprietaryBankTransactionCode?: string;
  /** The booked balance after this entry, signed ("-12.30"), where the bank reports it. */
  balanceAfter?: string;
}

export type BankConsentStatus =
  'AwaitingAuthorisation' | 'Authorised' | 'Rejected' | 'Revoked' | 'Expired';

/** What a Connection stores (someone else encrypts it at rest). */
export interface BankSession {
  standard: BankStandard;
  bankConsentId: string;
  /** OBIE only: the PSU's access token. Berlin Group identifies access by consent id alone. */
  accessToken?: string;
  refreshToken?: string;
  /** ISO 8601; when the access token (OBIE) or the consent (BG validUntil) stops working. */
  expiresAt?: string;
}

export type AccountPermission =
  | 'ReadAccountsBasic'
  | 'ReadAccountsDetail'
  | 'ReadBalances'
  | 'ReadTransactionsBasic'
  | 'ReadTransactionsDetail'
  | 'ReadTransactionsCredits'
  | 'ReadTransactionsDebits';

export interface ConsentRequest {
  /** OBIE permission codes; Berlin Group asks for allPsd2 access regardless. */
  permissions: readonly AccountPermission[];
  /** ISO 8601 date-time the consent should end. */
  expiresAt: string;
  transactionsFrom?: string;
  transactionsTo?: string;
  /** Berlin Group PSU-ID, when the bank wants it up front. */
  psuId?: string;
  /** BG: unattended reads allowed per account per day (PSD2 caps this at 4). */
  frequencyPerDay?: number;
  /** BG: where the bank sends the PSU after its SCA page (TPP-Redirect-URI). */
  redirectUri?: string;
}

export interface BankConsent {
  bankConsentId: string;
  status: BankConsentStatus;
  /**
   * Berlin Group: where to send the PSU (_links.scaRedirect), when the bank gives one.
   * OBIE: absent; its authorisation URL needs a signed request object, built elsewhere.
   */
  scaRedirectUrl?: string;
}

/** What comes back from the PSU's trip to the bank. */
export interface AuthorisationResult {
  bankConsentId: string;
  /** OBIE: the authorisation code to exchange for tokens. Unused by Berlin Group. */
  code?: string;
  /** OBIE: the PKCE verifier and redirect URI of the authorization request the code answers. */
  codeVerifier?: string;
  redirectUri?: string;
}

export interface CallOptions {
  /**
   * The PSU's IP address when the PSU is actively using the app. Its presence marks the PSU
   * as present (x-fapi-customer-ip-address / PSU-IP-Address), so the read does not count
   * against the unattended-access limit. Omit it for background refreshes.
   */
  psuIpAddress?: string;
  /** Aborts the whole logical call, retries included. */
  signal?: AbortSignal;
}

export interface TransactionQuery {
  bankAccountIds: readonly string[];
  /** ISO 8601 date-time, inclusive. */
  from: string;
  /** ISO 8601 date-time, inclusive. */
  to: string;
}

/**
 * One per bank, long-lived (it holds the bank's circuit breakers). The list methods take many
 * account ids so that a per-request DataLoader can batch them: each call is one logical call
 * per bank per resource kind, and results carry bankAccountId for the loader to regroup.
 */
export interface Connector {
  readonly bankId: string;
  readonly standard: BankStandard;

  /** Creates the bank-side consent the PSU will then authorise at the bank. */
  createConsent(request: ConsentRequest, options?: CallOptions): Promise<BankConsent>;

  /**
   * Turns the PSU's authorisation into a session. OBIE: exchanges the code for tokens.
   * Berlin Group: checks the consent became valid; the consent id is the credential.
   */
  completeAuthorisation(result: AuthorisationResult, options?: CallOptions): Promise<BankSession>;

  /** OBIE: refresh_token grant. Berlin Group: returns the session unchanged. */
  refreshSession(session: BankSession, options?: CallOptions): Promise<BankSession>;

  listAccounts(session: BankSession, options?: CallOptions): Promise<BankAccount[]>;

  /** Balances of the given accounts; ids the bank did not report are simply absent. */
  getBalances(
    session: BankSession,
    bankAccountIds: readonly string[],
    options?: CallOptions,
  ): Promise<BankBalance[]>;

  /** Every page is fetched; if any page fails, the whole call fails (no partial lists). */
  getTransactions(
    session: BankSession,
    query: TransactionQuery,
    options?: CallOptions,
  ): Promise<BankTransaction[]>;
}
