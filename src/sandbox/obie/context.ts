import type { SandboxBankData } from '../data/bank.js';
import type { ApiRequest, Reply } from '../http.js';
import type { IdempotencyStore } from '../idempotency.js';
import type { StateStore } from '../state.js';
import type { ConsentState, ObieDialect } from './dialect.js';
import { obieError } from './errors.js';
import { readBearer, type AccessToken, type TokenScope, type TokenService } from './oauth.js';
import type { Permission } from './permissions.js';
import type { DomesticPayment, PaymentConsent } from './pis-model.js';

export interface AccessConsent {
  consentId: string;
  createdAt: number;
  state: ConsentState;
  stateChangedAt: number;
  permissions: Permission[];
  expiresAt?: number;
  transactionsFrom?: number;
  transactionsTo?: number;
  /** Set when the PSU authorises at the bank. */
  psu?: string;
  accountIds: string[];
}

/** Everything one OBIE bank holds; handlers are plain functions over it. */
export interface ObieContext {
  dialect: ObieDialect;
  data: SandboxBankData;
  now: () => number;
  pageSize: number;
  tokens: TokenService;
  accessConsents: StateStore<AccessConsent>;
  paymentConsents: StateStore<PaymentConsent>;
  payments: StateStore<DomesticPayment>;
  idempotency: IdempotencyStore;
}

export type Guarded<T> = { ok: true; value: T } | { ok: false; reply: Reply };

const bearerMessages = {
  missing: 'Authorization header with a Bearer access token is required',
  malformed: 'Authorization header must use the Bearer scheme',
  unknown: 'Access token is not valid',
  expired: 'Access token has expired',
} as const;

export function requireToken(
  ctx: ObieContext,
  req: ApiRequest,
  scope: TokenScope,
): Guarded<AccessToken> {
  const check = readBearer(ctx.tokens, req, ctx.now());
  if (!check.ok) {
    // No body (the spec's 401 has none); RFC 6750 §3 says why in WWW-Authenticate.
    const error = check.reason === 'malformed' ? 'invalid_request' : 'invalid_token';
    const challenge =
      check.reason === 'missing'
        ? 'Bearer'
        : `Bearer error="${error}", error_description="${bearerMessages[check.reason]}"`;
    return {
      ok: false,
      reply: obieError(
        ctx.dialect,
        401,
        {
          code: check.reason === 'missing' ? 'Header.Missing' : 'Header.Invalid',
          message: bearerMessages[check.reason],
          path: 'Authorization',
        },
        { 'WWW-Authenticate': challenge },
      ),
    };
  }
  if (!check.token.scopes.has(scope)) {
    return {
      ok: false,
      reply: obieError(ctx.dialect, 403, {
        code: 'Header.Invalid',
        message: `Access token does not carry the ${scope} scope`,
        path: 'Authorization',
      }),
    };
  }
  return { ok: true, value: check.token };
}

export function isExpired(ctx: ObieContext, consent: { expiresAt?: number }): boolean {
  return consent.expiresAt !== undefined && consent.expiresAt <= ctx.now();
}

export function absolute(req: ApiRequest, path: string): string {
  return `${req.url.origin}${path}`;
}
