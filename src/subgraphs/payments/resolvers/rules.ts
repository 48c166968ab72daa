import type { IRules } from 'graphql-shield';
import { PlatformScope } from '../../../shared/auth/permissions.ts';
import { requireAnyScope, requireScope } from '../../../shared/auth/shield.ts';

const read = requireScope(PlatformScope.PaymentsRead);
const initiate = requireScope(PlatformScope.PaymentsInitiate);
const review = requireScope(PlatformScope.PaymentsReview);

/** Row-level checks (this client, this PSU) are the services'; these are the scopes. */
export const paymentRules: IRules = {
  Query: {
    payments: read,
    payment: read,
    heldPayments: review,
    paymentConsent: requireAnyScope(PlatformScope.PaymentsInitiate, PlatformScope.PaymentsRead),
  },
  Mutation: {
    createPaymentConsent: initiate,
    authorisePaymentConsent: initiate,
    startPaymentAuthorisation: initiate,
    requestPaymentChallenge: initiate,
    verifyPaymentChallenge: initiate,
    submitPayment: initiate,
    approveHeldPayment: review,
    rejectHeldPayment: review,
  },
};
