import type { AccountProduct } from '../data/model.js';

export type ObieVersion = '3.1.11' | '4.0';

/** Error codes by their v3 names; v4.0 sends the four-character codes of the OB code set. */
export type ObieErrorCode =
  | 'Field.Expected'
  | 'Field.Invalid'
  | 'Field.InvalidDate'
  | 'Field.Missing'
  | 'Field.Unexpected'
  | 'Header.Invalid'
  | 'Header.Missing'
  | 'Resource.ConsentMismatch'
  | 'Resource.InvalidConsentStatus'
  | 'Resource.InvalidFormat'
  | 'Resource.NotFound'
  | 'Reauthenticate'
  | 'Rules.ResourceAlreadyExists'
  | 'UnexpectedError';

// OB_Internal_CodeSet, OBExternalStatusReason1Code.
const v4ErrorCodes: Readonly<Record<ObieErrorCode, string>> = {
  'Field.Expected': 'U001',
  'Field.Invalid': 'U002',
  'Field.InvalidDate': 'U003',
  'Field.Missing': 'U004',
  'Field.Unexpected': 'U005',
  'Header.Invalid': 'U006',
  'Header.Missing': 'U007',
  'Resource.ConsentMismatch': 'U008',
  'Resource.InvalidConsentStatus': 'U009',
  'Resource.InvalidFormat': 'U010',
  'Resource.NotFound': 'U011',
  Reauthenticate: 'U028',
  'Rules.ResourceAlreadyExists': 'U029',
  UnexpectedError: 'U000',
};

export type ConsentState = 'awaiting' | 'authorised' | 'rejected' | 'revoked' | 'consumed';
export type PaymentStage = 'pending' | 'in-process' | 'completed' | 'rejected';
export type BalanceKind = 'interim-booked' | 'interim-available';

export interface ObieDialect {
  version: ObieVersion;
  aisBase: string;
  pisBase: string;
  errorCode(code: ObieErrorCode): string;
  /** `expired` only shows in v4.0, which has EXPD; v3.1 keeps saying Authorised. */
  consentStatus(state: ConsentState, expired: boolean): string;
  paymentStatus(stage: PaymentStage): string;
  entryStatus(status: 'booked' | 'pending'): string;
  balanceType(kind: BalanceKind): string;
  accountType(product: AccountProduct): Record<string, string>;
  /** Same idempotency key, different body: v3.1 has no dedicated code. */
  idempotencyConflictCode: ObieErrorCode;
}

const v3: ObieDialect = {
  version: '3.1.11',
  aisBase: '/open-banking/v3.1/aisp',
  pisBase: '/open-banking/v3.1/pisp',
  errorCode: (code) => `UK.OBIE.${code}`,
  consentStatus: (state) =>
    ({
      awaiting: 'AwaitingAuthorisation',
      authorised: 'Authorised',
      rejected: 'Rejected',
      revoked: 'Revoked',
      consumed: 'Consumed',
    })[state],
  paymentStatus: (stage) =>
    ({
      pending: 'Pending',
      'in-process': 'AcceptedSettlementInProcess',
      completed: 'AcceptedSettlementCompleted',
      rejected: 'Rejected',
    })[stage],
  entryStatus: (status) => (status === 'booked' ? 'Booked' : 'Pending'),
  balanceType: (kind) => (kind === 'interim-booked' ? 'InterimBooked' : 'InterimAvailable'),
  accountType: (product) => ({
    AccountType: 'Personal',
    AccountSubType: product === 'current' ? 'CurrentAccount' : 'Savings',
  }),
  idempotencyConflictCode: 'Field.Invalid',
};

const v4: ObieDialect = {
  version: '4.0',
  aisBase: '/open-banking/v4.0/aisp',
  pisBase: '/open-banking/v4.0/pisp',
  errorCode: (code) => v4ErrorCodes[code],
  consentStatus: (state, expired) =>
    expired && state === 'authorised'
      ? 'EXPD'
      : {
          awaiting: 'AWAU',
          authorised: 'AUTH',
          rejected: 'RJCT',
          revoked: 'CANC',
          consumed: 'COND',
        }[state],
  paymentStatus: (stage) =>
    ({ pending: 'PDNG', 'in-process': 'ACSP', completed: 'ACSC', rejected: 'RJCT' })[stage],
  entryStatus: (status) => (status === 'booked' ? 'BOOK' : 'PDNG'),
  balanceType: (kind) => (kind === 'interim-booked' ? 'ITBD' : 'ITAV'),
  accountType: (product) => ({
    AccountCategory: 'Personal',
    AccountTypeCode: product === 'current' ? 'CACC' : 'SVGS',
  }),
  idempotencyConflictCode: 'Rules.ResourceAlreadyExists',
};

export function dialectFor(version: ObieVersion): ObieDialect {
  return version === '4.0' ? v4 : v3;
}
