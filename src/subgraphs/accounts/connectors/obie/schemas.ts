/**
 * OBIE Read/Write Account and Transaction API bodies, v3.1.11 and v4.0, taken from
 * /work/shared/specs/obie-v*-account-info-openapi.yaml. Only the fields we read are declared
 * (with the spec's types, patterns and enums); unknown fields are dropped rather than refused,
 * so a bank adding a field does not take us down. Lists are parsed entry by entry
 * (../entries.ts): an entry that breaks the spec, or an account without the Currency we
 * cannot do without (optional in the spec), is left out and reported, never the whole list.
 * Two widenings: amounts may carry more than the spec's 5 decimals (kept exactly), and a
 * date-time without an offset is read as UTC.
 */
import { z } from 'zod';
import type { BalanceType, TransactionStatus } from '../connector.js';
import { currency, dateTime, decimal } from '../fields.js';
import {
  balanceTypeV4,
  consentStatus,
  fromAccountV3,
  fromAccountV4,
  fromBalance,
  fromTransaction,
  transactionStatusV4,
} from './mappers.js';

export type ObieVersion = '3.1.11' | '4.0';

const creditDebit = z.enum(['Credit', 'Debit']);
const money = z.object({ Amount: decimal, Currency: currency });

const links = z.object({ Self: z.string().optional(), Next: z.string().min(1).optional() });
const meta = z.object({ TotalPages: z.number().int().nonnegative().optional() });
const paging = { Links: links.optional(), Meta: meta.optional() };
/** A list whose entries are parsed one by one. */
const entries = z.array(z.unknown());

const identification = z.object({
  SchemeName: z.string(),
  Identification: z.string().min(1).max(256),
  Name: z.string().min(1).max(350).optional(),
});

export const accountV3 = z.object({
  AccountId: z.string().min(1).max(40),
  Currency: currency.optional(),
  AccountType: z.enum(['Business', 'Personal']).optional(),
  AccountSubType: z
    .enum([
      'ChargeCard',
      'CreditCard',
      'CurrentAccount',
      'EMoney',
      'Loan',
      'Mortgage',
      'PrePaidCard',
      'Savings',
    ])
    .optional(),
  Nickname: z.string().min(1).max(70).optional(),
  Account: z.array(identification).optional(),
});

export const accountV4 = z.object({
  AccountId: z.string().min(1).max(40),
  Currency: currency.optional(),
  AccountCategory: z.enum(['Business', 'Personal']).optional(),
  // OBExternalAccountSubType1Code (v4.0): ISO 20022 cash account type codes.
  AccountTypeCode: z
    .enum([
      'CACC',
      'CARD',
      'CASH',
      'CHAR',
      'CISH',
      'COMM',
      'CPAC',
      'LLSV',
      'LOAN',
      'MGLD',
      'MOMA',
      'NREX',
      'ODFT',
      'ONDP',
      'OTHR',
      'SACC',
      'SLRY',
      'SVGS',
      'TAXE',
      'TRAN',
      'TRAS',
      'VACC',
      'NFCA',
      'MORT',
      'WALT',
    ]) // prettier-ignore
    .optional(),
  Nickname: z.string().min(1).max(70).optional(),
  Account: z.array(identification).optional(),
});

export const balanceTypesV3 = [
  'ClosingAvailable',
  'ClosingBooked',
  'ClosingCleared',
  'Expected',
  'ForwardAvailable',
  'Information',
  'InterimAvailable',
  'InterimBooked',
  'InterimCleared',
  'OpeningAvailable',
  'OpeningBooked',
  'OpeningCleared',
  'PreviouslyClosedBooked',
] as const;
export const balanceTypesV4 = [
  'CLAV',
  'CLBD',
  'FWAV',
  'INFO',
  'ITAV',
  'ITBD',
  'OPAV',
  'OPBD',
  'PRCD',
  'XPCD',
] as const;

export const balance = (types: readonly [string, ...string[]]) =>
  z.object({
    AccountId: z.string().min(1).max(40),
    CreditDebitIndicator: creditDebit,
    Type: z.enum(types),
    DateTime: dateTime,
    Amount: money,
  });

const party = z.object({ Name: z.string().min(1).max(350).optional() });

export const transaction = (statuses: readonly [string, ...string[]]) =>
  z.object({
    AccountId: z.string().min(1).max(40),
    TransactionId: z.string().min(1).max(210).optional(),
    CreditDebitIndicator: creditDebit,
    Status: z.enum(statuses),
    BookingDateTime: dateTime,
    ValueDateTime: dateTime.optional(),
    TransactionInformation: z.string().min(1).max(500).optional(),
    Amount: money,
    MerchantDetails: z
      .object({
        MerchantName: z.string().min(1).max(350).optional(),
        MerchantCategoryCode: z.string().min(3).max(4).optional(),
      })
      .optional(),
    // Codes only help categorise: a malformed one is dropped, not the whole entry.
    BankTransactionCode: z
      .object({ Code: z.string().min(1).max(64), SubCode: z.string().min(1).max(64) })
      .optional()
      .catch(undefined),
    ProprietaryBankTransactionCode: z
      .object({ Code: z.string().min(1).max(35) })
      .optional()
      .catch(undefined),
    // Only for reconciliation: a malformed one is dropped, not the whole entry.
    Balance: z
      .object({ CreditDebitIndicator: creditDebit, Amount: money })
      .optional()
      .catch(undefined),
    CreditorAccount: party.optional(),
    DebtorAccount: party.optional(),
    UltimateCreditor: party.optional(),
    UltimateDebtor: party.optional(),
  });

export const consentStatusesV3 = [
  'Authorised',
  'AwaitingAuthorisation',
  'Rejected',
  'Revoked',
] as const;
export const consentStatusesV4 = ['AWAU', 'RJCT', 'AUTH', 'EXPD', 'CANC'] as const;

const consentResponse = (statuses: readonly [string, ...string[]]) =>
  z.object({
    Data: z.object({
      ConsentId: z.string().min(1).max(128),
      Status: z.enum(statuses),
      CreationDateTime: dateTime,
      StatusUpdateDateTime: dateTime,
    }),
  });

function schemasFor(version: ObieVersion) {
  const v3 = version === '3.1.11';
  return {
    accounts: z.object({ Data: z.object({ Account: entries.optional() }), ...paging }),
    balances: z.object({ Data: z.object({ Balance: entries }), ...paging }),
    transactions: z.object({ Data: z.object({ Transaction: entries.optional() }), ...paging }),
    account: v3 ? entry(accountV3, fromAccountV3) : entry(accountV4, fromAccountV4),
    balance: v3
      ? entry(balance(balanceTypesV3), (b) => fromBalance(b, b.Type as BalanceType))
      : entry(balance(balanceTypesV4), (b) => fromBalance(b, balanceTypeV4[b.Type])),
    transaction: v3
      ? entry(transaction(['Booked', 'Pending', 'Rejected']), (t) =>
          fromTransaction(t, t.Status === 'Rejected' ? undefined : (t.Status as TransactionStatus)),
        )
      : entry(transaction(['BOOK', 'FUTR', 'INFO', 'PDNG', 'RJCT']), (t) =>
          fromTransaction(t, transactionStatusV4[t.Status]),
        ),
    consent: consentResponse(v3 ? consentStatusesV3 : consentStatusesV4).transform((c) => ({
      bankConsentId: c.Data.ConsentId,
      status: consentStatus[c.Data.Status],
    })),
  };
}

/** One entry of a list: its schema and the mapper to the domain type (../entries.ts). */
function entry<S extends z.ZodType, T>(schema: S, map: (raw: z.output<S>) => T) {
  return { schema, map };
}

export const obieSchemas: Record<ObieVersion, ObieSchemas> = {
  '3.1.11': schemasFor('3.1.11'),
  '4.0': schemasFor('4.0'),
};
export type ObieSchemas = ReturnType<typeof schemasFor>;

/** RFC 6749 §5.1 token response. */
export const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z
    .string()
    .refine((t) => t.toLowerCase() === 'bearer', 'token_type must be Bearer')
    .optional(),
  expires_in: z.number().int().positive().optional(),
  refresh_token: z.string().min(1).optional(),
});
