import type { SandboxBankData } from '../data/bank.js';
import { randomUUID } from 'node:crypto';
import { accepts, header, Router, type ApiRequest, type Reply } from '../http.js';
import {
  adminError,
  parseAuthoriseBody,
  type AdminAuthoriseBody,
  type DecideOutcome,
  type StandardApi,
} from '../standard.js';
import { describeBg } from './describe.js';
import type { LoginSessions } from '../login/sessions.js';
import type { BankState } from '../state.js';
import {
  getAccountBalances,
  getAccountDetails,
  getAccountList,
  getTransactionList,
} from './ais.js';
import {
  authoriseConsent,
  createConsent,
  deleteConsent,
  getConsent,
  getConsentStatus,
} from './consents.js';
import { requireRequestId, type BgContext } from './context.js';
import { bgError, defaultCodeFor } from './errors.js';
import { FrequencyLimiter } from './frequency.js';
import { authorisePayment, getPayment, getPaymentStatus, initiatePayment } from './pis.js';

export interface BerlinGroupBankSettings {
  data: SandboxBankData;
  now: () => number;
  pageSize: number;
  state: BankState;
  logins: LoginSessions;
}

export function createBerlinGroupApi(settings: BerlinGroupBankSettings): StandardApi {
  const ctx: BgContext = {
    data: settings.data,
    now: settings.now,
    pageSize: settings.pageSize,
    consents: settings.state.store('bg-consent'),
    payments: settings.state.store('bg-payment'),
    frequency: new FrequencyLimiter(settings.state.store('bg-frequency')),
    logins: settings.logins,
  };
  const decide = (request: AdminAuthoriseBody): DecideOutcome => {
    if (!ctx.data.hasPsu(request.psu)) return { ok: false, message: `unknown psu ${request.psu}` };
    const id = request.consentId ?? request.paymentId ?? '';
    const consent = request.paymentId === undefined ? ctx.consents.get(id) : undefined;
    const payment = consent ? undefined : ctx.payments.get(id);
    return consent
      ? authoriseConsent(ctx, consent, request)
      : payment
        ? authorisePayment(ctx, payment, request)
        : { ok: false, message: `unknown consent or payment ${id}` };
  };
  const bind =
    (handler: (c: BgContext, r: ApiRequest) => Reply) =>
    (req: ApiRequest): Reply =>
      requireRequestId(req) ?? handler(ctx, req);
  const router = new Router()
    .guard(notAcceptable)
    .add('POST', '/v1/consents', bind(createConsent))
    .add('GET', '/v1/consents/{consentId}', bind(getConsent))
    .add('GET', '/v1/consents/{consentId}/status', bind(getConsentStatus))
    .add('DELETE', '/v1/consents/{consentId}', bind(deleteConsent))
    .add('GET', '/v1/accounts', bind(getAccountList))
    .add('GET', '/v1/accounts/{account-id}', bind(getAccountDetails))
    .add('GET', '/v1/accounts/{account-id}/balances', bind(getAccountBalances))
    .add('GET', '/v1/accounts/{account-id}/transactions', bind(getTransactionList))
    .add('POST', '/v1/payments/{payment-product}', bind(initiatePayment))
    .add('GET', '/v1/payments/{payment-product}/{paymentId}', bind(getPayment))
    .add('GET', '/v1/payments/{payment-product}/{paymentId}/status', bind(getPaymentStatus));

  return {
    router,
    contentType: 'application/json',
    errorReply: (status, message, headers) =>
      bgError(status, defaultCodeFor(status), message, { headers }),
    // Every answer names its request; one that came without an id gets a fresh one.
    responseHeaders: (req): Record<string, string> => ({
      'X-Request-ID': header(req, 'x-request-id') ?? randomUUID(),
    }),
    authorise: (body) => {
      const parsed = parseAuthoriseBody(body);
      if (!parsed.ok) return parsed.reply;
      const request = parsed.value;
      const outcome = decide(request);
      if (!outcome.ok) return adminError(400, outcome.message);
      const id = request.consentId ?? request.paymentId ?? '';
      return request.paymentId === undefined && ctx.consents.get(id)
        ? { status: 200, body: { consentId: id, consentStatus: outcome.status } }
        : { status: 200, body: { paymentId: id, transactionStatus: outcome.status } };
    },
    describe: (id) => describeBg(ctx, id),
    decide,
  };
}

/** Only JSON is served. The spec gives AIS a 406 body; PIS has no 406 message code, so none. */
function notAcceptable(req: ApiRequest): Reply | undefined {
  if (accepts(req, 'application/json')) return undefined;
  if (req.path.startsWith('/v1/payments/')) return { status: 406 };
  return bgError(406, 'REQUESTED_FORMATS_INVALID', 'Only application/json is served', {
    path: 'Accept',
  });
}
