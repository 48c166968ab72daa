/* eslint-disable */
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = {
  [_ in K]?: never;
};
export type Incremental<T> =
  T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string };
  String: { input: string; output: string };
  Boolean: { input: boolean; output: boolean };
  Int: { input: number; output: number };
  Float: { input: number; output: number };
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar.This scalar is serialized to a string in ISO 8601 format and parsed from a string in ISO 8601 format. */
  DateTimeISO: { input: string; output: string };
  join__DirectiveArguments: { input: any; output: any };
  join__FieldSet: { input: any; output: any };
  link__Import: { input: any; output: any };
};

/** Every given criterion must match */
export type AuditFilterInput = {
  clientId?: InputMaybe<Scalars['ID']['input']>;
  consentId?: InputMaybe<Scalars['ID']['input']>;
  /** Type.field, or Type.* for a whole type */
  fieldPath?: InputMaybe<Scalars['String']['input']>;
  /** Inclusive */
  from?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** ok, denied, error or started */
  outcome?: InputMaybe<Scalars['String']['input']>;
  psuId?: InputMaybe<Scalars['ID']['input']>;
  requestId?: InputMaybe<Scalars['String']['input']>;
  /** Exclusive */
  to?: InputMaybe<Scalars['DateTimeISO']['input']>;
};

/** UK Open Banking data permissions, plus payment permissions */
export type ConsentPermission =
  | 'InitiatePayments'
  | 'ReadAccountsBasic'
  | 'ReadAccountsDetail'
  | 'ReadBalances'
  | 'ReadPayments'
  | 'ReadTransactionsBasic'
  | 'ReadTransactionsCredits'
  | 'ReadTransactionsDebits'
  | 'ReadTransactionsDetail';

/** UK Open Banking consent states */
export type ConsentStatus =
  'Authorised' | 'AwaitingAuthorisation' | 'Expired' | 'Rejected' | 'Revoked';

export type CreatePaymentConsentInput = {
  /** Decimal string such as "10.50": positive, currency’s decimals */
  amount: Scalars['String']['input'];
  /** The bank to pay from (the bank directory id) */
  bankId: Scalars['String']['input'];
  creditorAccount: PaymentAccountInput;
  creditorName: Scalars['String']['input'];
  /** ISO 4217 code */
  currency: Scalars['String']['input'];
  /** The debtor account’s identification, sent to the bank. OBIE: optional (the PSU picks at the bank); Berlin Group: required */
  debtorAccount?: InputMaybe<PaymentAccountInput>;
  /** The PSU’s Account to pay from, one the consent covers; kept for the debtorAccount reference */
  debtorAccountId?: InputMaybe<Scalars['ID']['input']>;
  /** Shown to the creditor; 1 to 35 characters */
  reference: Scalars['String']['input'];
};

export type CreateWebhookEndpointInput = {
  eventTypes: Array<EventType>;
  /** https (http to loopback only in sandbox mode) */
  url: Scalars['String']['input'];
};

/** What happened; details are read through the graph under the consent */
export type EventType =
  | 'CONNECTION_REAUTHORISATION_REQUIRED'
  | 'CONSENT_EXPIRING'
  | 'CONSENT_STATUS_CHANGED'
  | 'PAYMENT_STATUS_CHANGED'
  | 'TRANSACTIONS_UPDATED';

export type MoneyDirection = 'Credit' | 'Debit';

/** An account by scheme and identification */
export type PaymentAccountInput = {
  /** 14 digits (sort code + account number) or an IBAN */
  identification: Scalars['String']['input'];
  scheme: PaymentAccountScheme;
};

/** How an account is identified: UK sort code + account number (14 digits), or IBAN */
export type PaymentAccountScheme = 'IBAN' | 'SortCodeAccountNumber';

/** UK Open Banking v3.1 payment consent states */
export type PaymentConsentStatus = 'Authorised' | 'AwaitingAuthorisation' | 'Consumed' | 'Rejected';

/** Why a payment was held for review instead of sent */
export type PaymentRiskFlag = 'AmountFarAboveHistory' | 'NewCreditorHighAmount' | 'PaymentBurst';

/** UK Open Banking v3.1 payment states (v4.0 and Berlin Group ISO 20022 codes map onto them), plus HeldForReview: flagged by our risk rules and not sent */
export type PaymentStatus =
  | 'AcceptedCreditSettlementCompleted'
  | 'AcceptedSettlementCompleted'
  | 'AcceptedSettlementInProcess'
  | 'AcceptedWithoutPosting'
  | 'HeldForReview'
  | 'Pending'
  | 'Rejected';

export type RecurringFrequency = 'FORTNIGHTLY' | 'MONTHLY' | 'WEEKLY' | 'YEARLY';

/** ACTIVE: the next payment is not overdue; LATE: one expected payment is missing; ENDED: two are */
export type RecurringStatus = 'ACTIVE' | 'ENDED' | 'LATE';

export type RequestConsentInput = {
  expiresAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  permissions: Array<ConsentPermission>;
  transactionFromDate?: InputMaybe<Scalars['DateTimeISO']['input']>;
  transactionToDate?: InputMaybe<Scalars['DateTimeISO']['input']>;
};

/** Why a payment needs strong customer authentication before submission */
export type ScaReason = 'AmountAboveThreshold' | 'NewCreditor';

/** MONTH keys are YYYY-MM (UTC); CATEGORY keys primary codes, DETAILED_CATEGORY detailed ones */
export type SpendingGroupBy = 'CATEGORY' | 'DETAILED_CATEGORY' | 'MERCHANT' | 'MONTH';

export type Join__Graph = 'ACCOUNTS' | 'CONSENT' | 'PAYMENTS';

export type Link__Purpose =
  /** `EXECUTION` features provide metadata necessary for operation execution. */
  | 'EXECUTION'
  /** `SECURITY` features provide metadata necessary to securely resolve fields. */
  | 'SECURITY';

export type ConsentDashboardQueryVariables = Exact<{
  consentId: Scalars['ID']['input'];
}>;

export type ConsentDashboardQuery = {
  __typename?: 'Query';
  consent?: {
    __typename?: 'Consent';
    id: string;
    status: ConsentStatus;
    permissions: Array<ConsentPermission>;
    accounts?: Array<{
      __typename?: 'Account';
      id: string;
      bankId: string;
      nickname?: string | null;
      currency: string;
      balances?: Array<{
        __typename?: 'Balance';
        type: string;
        amount: string;
        currency: string;
        creditDebit: string;
        dateTime: string;
      }> | null;
    }> | null;
  } | null;
};

export type ListConsentsQueryVariables = Exact<{
  status?: InputMaybe<ConsentStatus>;
}>;

export type ListConsentsQuery = {
  __typename?: 'Query';
  consents: Array<{
    __typename?: 'Consent';
    id: string;
    status: ConsentStatus;
    permissions: Array<ConsentPermission>;
    createdAt: string;
    expiresAt?: string | null;
  }>;
};

export type MeQueryVariables = Exact<{ [key: string]: never }>;

export type MeQuery = {
  __typename?: 'Query';
  me?: {
    __typename?: 'Psu';
    id: string;
    displayName?: string | null;
    accounts?: Array<{
      __typename?: 'Account';
      id: string;
      nickname?: string | null;
      currency: string;
    }> | null;
    consents: Array<{ __typename?: 'Consent'; id: string; status: ConsentStatus }>;
  } | null;
};

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const ConsentDashboardDocument = new TypedDocumentString(`
    query ConsentDashboard($consentId: ID!) {
  consent(id: $consentId) {
    id
    status
    permissions
    accounts {
      id
      bankId
      nickname
      currency
      balances {
        type
        amount
        currency
        creditDebit
        dateTime
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsentDashboardQuery, ConsentDashboardQueryVariables>;
export const ListConsentsDocument = new TypedDocumentString(`
    query ListConsents($status: ConsentStatus) {
  consents(status: $status) {
    id
    status
    permissions
    createdAt
    expiresAt
  }
}
    `) as unknown as TypedDocumentString<ListConsentsQuery, ListConsentsQueryVariables>;
export const MeDocument = new TypedDocumentString(`
    query Me {
  me {
    id
    displayName
    accounts {
      id
      nickname
      currency
    }
    consents {
      id
      status
    }
  }
}
    `) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
