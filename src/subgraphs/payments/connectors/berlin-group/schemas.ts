/**
 * Berlin Group NextGenPSD2 1.3.12 payment initiation bodies
 * (/work/shared/specs/berlin-group-nextgenpsd2-v1.3.12.yaml), only the fields we read.
 */
import { z } from 'zod';

// transactionStatus: ISO 20022 ExternalPaymentTransactionStatus1Code plus CANC and PART.
export const transactionStatus = z.enum([
  'ACCC',
  'ACCP',
  'ACSC',
  'ACSP',
  'ACTC',
  'ACWC',
  'ACWP',
  'RCVD',
  'PDNG',
  'RJCT',
  'CANC',
  'ACFC',
  'PATC',
  'PART',
]);

// hrefType and paymentId have no length limits in the spec; an empty href reads as no link.
const link = z.object({ href: z.string() });

export const paymentInitiated = z.object({
  transactionStatus,
  paymentId: z.string().min(1),
  _links: z.object({ scaRedirect: link.optional() }).optional(),
});

export const paymentStatus = z.object({ transactionStatus });
