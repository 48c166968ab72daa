/**
 * Berlin Group NextGenPSD2 1.3.12 AIS bodies, from
 * /work/shared/specs/berlin-group-nextgenpsd2-v1.3.12.yaml. Only the fields we read are
 * declared (with the spec's types and patterns); unknown fields are dropped. One tightening:
 * accountDetails.resourceId is optional in the spec, but without it we cannot address the
 * account, so it is required here.
 */
import { z } from 'zod';

const currency = z.string().regex(/^[A-Z]{3}$/);
/** amountValue: signed, up to 14 digits and 3 decimals; the pattern is anchored here. */
const amount = z.object({ currency, amount: z.string().regex(/^-?[0-9]{1,14}(\.[0-9]{1,3})?$/) });
const href = z.object({ href: z.string().min(1) });

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
  lastChangeDateTime: z.iso.datetime({ offset: true, local: true }).optional(),
  referenceDate: z.iso.date().optional(),
});

export const account = z.object({
  resourceId: z.string().min(1),
  iban: z
    .string()
    .regex(/^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}$/)
    .optional(),
  bban: z
    .string()
    .regex(/^[a-zA-Z0-9]{1,30}$/)
    .optional(),
  msisdn: z.string().max(35).optional(),
  currency,
  ownerName: z.string().max(140).optional(),
  name: z.string().max(70).optional(),
  displayName: z.string().max(70).optional(),
  product: z.string().max(35).optional(),
  cashAccountType: z.string().optional(),
  usage: z.enum(['PRIV', 'ORGA']).optional(),
  balances: z.array(balance).optional(),
});

export const transaction = z.object({
  transactionId: z.string().min(1).optional(),
  entryReference: z.string().min(1).max(35).optional(),
  bookingDate: z.iso.date().optional(),
  valueDate: z.iso.date().optional(),
  transactionAmount: amount,
  creditorName: z.string().max(70).optional(),
  debtorName: z.string().max(70).optional(),
  ultimateCreditor: z.string().max(70).optional(),
  ultimateDebtor: z.string().max(70).optional(),
  remittanceInformationUnstructured: z.string().max(140).optional(),
  remittanceInformationUnstructuredArray: z.array(z.string().max(140)).optional(),
  additionalInformation: z.string().max(500).optional(),
});

export const berlinGroupSchemas = {
  consentCreated: z.object({
    consentId: z.string().min(1),
    consentStatus: z.enum(consentStatuses),
    _links: z.object({ scaRedirect: href.optional() }).optional(),
  }),
  consentInformation: z.object({
    consentStatus: z.enum(consentStatuses),
    validUntil: z.iso.date(),
  }),
  accountList: z.object({ accounts: z.array(account) }),
  balances: z.object({ balances: z.array(balance) }),
  transactions: z.object({
    transactions: z
      .object({
        booked: z.array(transaction).optional(),
        pending: z.array(transaction).optional(),
        _links: z.object({ next: href.optional() }).optional(),
      })
      .optional(),
  }),
};

export type BgAccount = z.infer<typeof account>;
export type BgBalance = z.infer<typeof balance>;
export type BgTransaction = z.infer<typeof transaction>;
export type BgConsentStatus = (typeof consentStatuses)[number];
