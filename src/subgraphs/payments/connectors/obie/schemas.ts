/**
 * OBIE Read/Write Payment Initiation bodies, v3.1.11 and v4.0, from
 * /work/shared/specs/obie-v*-payment-initiation-openapi.yaml. Only the fields we read are
 * declared; unknown fields are dropped, so a bank adding one does not take us down.
 */
import { z } from 'zod';

export type ObieVersion = '3.1.11' | '4.0';

const v3ConsentStatus = z.enum(['AwaitingAuthorisation', 'Authorised', 'Consumed', 'Rejected']);
const v4ConsentStatus = z.enum(['AWAU', 'AUTH', 'COND', 'RJCT']);
const v3PaymentStatus = z.enum([
  'AcceptedCreditSettlementCompleted',
  'AcceptedSettlementCompleted',
  'AcceptedSettlementInProcess',
  'AcceptedWithoutPosting',
  'Pending',
  'Rejected',
]);
// ExternalPaymentTransactionStatus1Code
const v4PaymentStatus = z.enum([
  'RCVD',
  'PDNG',
  'ACTC',
  'PATC',
  'ACCP',
  'ACFC',
  'ACSP',
  'ACWC',
  'ACSC',
  'ACWP',
  'ACCC',
  'BLCK',
  'RJCT',
]);
// One odd reason entry must not refuse the payment's status: it reads as no reason.
const statusReason = z
  .array(z.object({ StatusReasonCode: z.string().min(1).max(4).optional() }).catch({}))
  .optional();

const consentOf = (status: z.ZodType<string>) =>
  z.object({
    Data: z.object({ ConsentId: z.string().min(1).max(128), Status: status }),
  });
const paymentOf = (status: z.ZodType<string>) =>
  z.object({
    Data: z.object({
      DomesticPaymentId: z.string().min(1).max(40),
      ConsentId: z.string().min(1).max(128),
      Status: status,
      StatusReason: statusReason,
    }),
  });

export const obiePisSchemas = {
  '3.1.11': { consent: consentOf(v3ConsentStatus), payment: paymentOf(v3PaymentStatus) },
  '4.0': { consent: consentOf(v4ConsentStatus), payment: paymentOf(v4PaymentStatus) },
} as const;

export type ObiePisSchemas = (typeof obiePisSchemas)[ObieVersion];

export const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().int().positive().optional(),
  refresh_token: z.string().min(1).optional(),
});
