import { isAppError } from '../../../shared/errors/index.ts';
import { sendJson } from '../../../shared/http/graphql-handler.ts';
import type { Route } from '../../../shared/http/server.ts';
import type { BankAuthorisationService } from '../services/bank-authorisation.service.ts';

export const paymentCallbackPath = '/payment-consents/callback';

const noLeak = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };

/**
 * GET /payment-consents/callback: the bank sends the PSU back here after its approval page;
 * we exchange the code (OBIE) or read the payment's status (Berlin Group) and send the PSU
 * on to the client's return URL with the outcome.
 */
export function paymentCallbackRoutes(service: BankAuthorisationService): Record<string, Route> {
  return {
    [`GET ${paymentCallbackPath}`]: async (_req, res, url) => {
      try {
        const outcome = await service.finish(url.searchParams);
        const target = new URL(outcome.returnUrl);
        target.searchParams.set('paymentConsentId', outcome.paymentConsentId);
        if (outcome.paymentId) target.searchParams.set('paymentId', outcome.paymentId);
        target.searchParams.set('status', outcome.status);
        if (outcome.error) target.searchParams.set('error', outcome.error.code);
        if (outcome.error?.reason) target.searchParams.set('reason', outcome.error.reason);
        res.writeHead(303, { location: target.href, ...noLeak }).end();
      } catch (error) {
        if (!isAppError(error)) throw error;
        const reason = error.details['reason'];
        sendJson(
          res,
          error.httpStatus,
          { error: { code: error.code, message: error.message, ...(reason ? { reason } : {}) } },
          noLeak,
        );
      }
    },
  };
}
