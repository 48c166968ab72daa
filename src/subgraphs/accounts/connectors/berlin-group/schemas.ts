/**
 * Berlin Group NextGenPSD2 1.3.12 AIS bodies, from
 * /work/shared/specs/berlin-group-nextgenpsd2-v1.3.12.yaml. Only the fields we read are
 * declared; unknown fields are dropped. Lists are parsed entry by entry (../entries.ts): an
 * entry that breaks the spec, or an account without the resourceId we address it by
 * (optional in the spec), is left out and reported, never the whole list.
 * The spec's patterns are not anchored (OpenAPI patterns match anywhere in the value), so
 * amountValue "-?[0-9]{1,14}(\.[0-9]{1,3})?" admits any number of decimals: amounts are read
 * as signed decimals of any precision. Strings without a minLength may be empty; empty reads
 * as absent.
 */
import { z } from 'zod';
import { calendarDate, currency, dateTime, signedDecimal, text } from '../fields.js';

const amount = z.object({ currency, amount: signedDecimal });
const href = z.object({ href: text() });
/** A list whose entries are parsed one by one. */
const entries = z.array(z.unknown());

export const consentStatuses = [
  'received',
  'rejected',
  'valid',
  'revokedByPsu',
  'expired',
  'terminatedByTpp',
  'partiallyAuthorised',
] as const;

export const balance = z.object({
  balanceAmount: amount,
  balanceType: z.enum([
    'closingBooked',
    'expected',
    'openingBooked',
    'interimAvailable',
    'interimBooked',
    'forwardAvailable',
    'nonInvoiced',
  ]),
  lastChangeDateTime: dateTime.optional(),
  referenceDate: calendarDate.optional(),
});

export const account = z.object({
  resourceId: text(),
  iban: text(),
  bban: text(),
  msisdn: text(35),
  currency,
  ownerName: text(140),
  name: text(70),
  displayName: text(70),
  product: text(35),
  cashAccountType: text(),
  usage: z.enum(['PRIV', 'ORGA']).optional(),
  balances: entries.optional(),
});

export const transaction = z.object({
  transactionId: text(),
  entryReference: text(35),
  bookingDate: calendarDate.optional(),
  valueDate: calendarDate.optional(),
  transactionAmount: amount,
  creditorName: text(70),
  debtorName: text(70),
  ultimateCreditor: text(70),
  ultimateDebtor: text(70),
  remittanceInformationUnstructured: text(140),
  remittanceInformationUnstructuredArray: z.array(z.string().max(140)).optional(),
  additionalInformation: text(500),
  // Only helps categorise: a malformed code is dropped, not the whole entry.
  bankTransactionCode: z.string().max(35).optional().catch(undefined),
  // Only for reconciliation: a malformed one is dropped, not the whole entry.
  balanceAfterTransaction: z.object({ balanceAmount: amount }).optional().catch(undefined),
});

export const berlinGroupSchemas = {
  consentCreated: z.object({
    consentId: z.string().min(1),
    consentStatus: z.enum(consentStatuses),
    _links: z.object({ scaRedirect: href.optional() }).optional(),
  }),
  consentInformation: z.object({
    consentStatus: z.enum(consentStatuses),
    validUntil: calendarDate,
  }),
  accountList: z.object({ accounts: entries }),
  balances: z.object({ balances: entries }),
  transactions: z.object({
    transactions: z
      .object({
        booked: entries.optional(),
        pending: entries.optional(),
        _links: z.object({ next: href.optional() }).optional(),
      })
      .optional(),
  }),
};

export type BgAccount = z.infer<typeof account>;
export type BgBalance = z.infer<typeof balance>;
export type BgTransaction = z.infer<typeof transaction>;
export type BgConsentStatus = (typeof consentStatuses)[number];
