import { randomUUID } from 'node:crypto';
import type { SandboxBankData } from '../data/bank.js';
import { accepts, header, Router, type ApiRequest, type Reply } from '../http.js';
import { IdempotencyStore } from '../idempotency.js';
import {
  adminError,
  parseAuthoriseBody,
  type AdminAuthoriseBody,
  type DecideOutcome,
  type StandardApi,
} from '../standard.js';
import { describeConsent } from './describe.js';
import type { BankState } from '../state.js';
import { getAccount, getAccounts, getBalances, getTransactions } from './ais.js';
import {
  authoriseAccessConsent,
  createAccessConsent,
  deleteAccessConsent,
  getAccessConsent,
} from './consents.js';
import type { ObieContext } from './context.js';
import { dialectFor, type ObieVersion } from './dialect.js';
import { defaultCodeFor, obieError } from './errors.js';
import { TokenService, tokenEndpoint } from './oauth.js';
import { authorisePaymentConsent, pisRoutes } from './pis.js';

export interface ObieBankSettings {
  version: ObieVersion;
  data: SandboxBankData;
  now: () => number;
  pageSize: number;
  accessTokenTtlSeconds: number;
  state: BankState;
}

export function createObieApi(settings: ObieBankSettings): StandardApi {
  const dialect = dialectFor(settings.version);
  const ctx: ObieContext = {
    dialect,
    data: settings.data,
    now: settings.now,
    pageSize: settings.pageSize,
    tokens: new TokenService(settings.state, settings.now, settings.accessTokenTtlSeconds),
    accessConsents: settings.state.store('obie-access-consent'),
    paymentConsents: settings.state.store('obie-payment-consent'),
    payments: settings.state.store('obie-payment'),
    idempotency: new IdempotencyStore(settings.state.store('idempotency'), settings.now),
  };
  const bind =
    (handler: (c: ObieContext, r: ApiRequest) => Reply) =>
    (req: ApiRequest): Reply =>
      handler(ctx, req);
  const decide = (request: AdminAuthoriseBody): DecideOutcome => {
    if (!ctx.data.hasPsu(request.psu)) return { ok: false, message: `unknown psu ${request.psu}` };
    const id = request.consentId ?? request.paymentId ?? '';
    const access = ctx.accessConsents.get(id);
    const payment = ctx.paymentConsents.get(id);
    return access
      ? authoriseAccessConsent(ctx, access, { ...request, consentId: id })
      : payment
        ? authorisePaymentConsent(ctx, payment, request)
        : { ok: false, message: `unknown consent ${id}` };
  };
  const ais = dialect.aisBase;
  const router = new Router()
    // Only JSON is served (not application/jose+jwe); the spec's 406 has no body.
    .guard((req) => (accepts(req, 'application/json') ? undefined : { status: 406 }))
    .add(
      'POST',
      '/oauth/token',
      tokenEndpoint(ctx.tokens, (id) => consentUsable(ctx, id)),
    )
    .add('POST', `${ais}/account-access-consents`, bind(createAccessConsent))
    .add('GET', `${ais}/account-access-consents/{ConsentId}`, bind(getAccessConsent))
    .add('DELETE', `${ais}/account-access-consents/{ConsentId}`, bind(deleteAccessConsent))
    .add('GET', `${ais}/accounts`, bind(getAccounts))
    .add('GET', `${ais}/accounts/{AccountId}`, bind(getAccount))
    .add('GET', `${ais}/accounts/{AccountId}/balances`, bind(getBalances))
    .add('GET', `${ais}/balances`, bind(getBalances))
    .add('GET', `${ais}/accounts/{AccountId}/transactions`, bind(getTransactions))
    .add('GET', `${ais}/transactions`, bind(getTransactions));
  pisRoutes(ctx, router);

  return {
    router,
    contentType: 'application/json; charset=utf-8',
    errorReply: (status, message, headers) =>
      obieError(dialect, status, { code: defaultCodeFor(status), message }, headers),
    responseHeaders: (req) => ({
      'x-fapi-interaction-id': header(req, 'x-fapi-interaction-id') ?? randomUUID(),
    }),
    authorise: (body) => {
      const parsed = parseAuthoriseBody(body);
      if (!parsed.ok) return parsed.reply;
      const outcome = decide(parsed.value);
      if (!outcome.ok) return adminError(400, outcome.message);
      const id = parsed.value.consentId ?? parsed.value.paymentId;
      return { status: 200, body: { consentId: id, status: outcome.status, code: outcome.code } };
    },
    describe: (id) => describeConsent(ctx, id),
    decide,
  };
}

/** Codes and refresh tokens stop working once the PSU's consent is no longer authorised. */
function consentUsable(ctx: ObieContext, consentId: string): boolean {
  const access = ctx.accessConsents.get(consentId);
  if (access) return access.state === 'authorised';
  return ctx.paymentConsents.get(consentId)?.state === 'authorised';
}
