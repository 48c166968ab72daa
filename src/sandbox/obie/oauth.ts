import { randomBytes } from 'node:crypto';
import { header, parseFormBody, type ApiRequest, type Reply } from '../http.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { CodeBinding } from '../login/sessions.js';
import type { BankState, StateStore } from '../state.js';

export type TokenScope = 'accounts' | 'payments';

export interface AccessToken {
  value: string;
  scopes: ReadonlySet<TokenScope>;
  /** Present on tokens from authorization_code / refresh_token: bound to a PSU's consent. */
  consentId?: string;
  expiresAt: number;
}

interface Grant {
  consentId: string;
  scope: TokenScope;
  expiresAt: number;
  /** Codes from the authorization endpoint: redeemed only with the PKCE verifier and redirect. */
  binding?: CodeBinding;
}

const CODE_TTL_MS = 10 * 60_000;

/** Opaque bearer tokens, authorisation codes and refresh tokens, kept in the bank's state. */
export class TokenService {
  private readonly accessTokens: StateStore<AccessToken>;
  private readonly codes: StateStore<Grant>;
  private readonly refreshTokens: StateStore<Grant>;

  constructor(
    state: BankState,
    private readonly now: () => number,
    private readonly ttlSeconds: number,
  ) {
    this.accessTokens = state.store('obie-access-token');
    this.codes = state.store('obie-code');
    this.refreshTokens = state.store('obie-refresh-token');
  }

  find(value: string): AccessToken | undefined {
    return this.accessTokens.get(value);
  }

  issueClientToken(scopes: ReadonlySet<TokenScope>): AccessToken {
    return this.store({ value: secret(), scopes, expiresAt: this.expiry() });
  }

  issueCode(consentId: string, scope: TokenScope, binding?: CodeBinding): string {
    const code = secret();
    this.codes.set(code, {
      consentId,
      scope,
      expiresAt: this.now() + CODE_TTL_MS,
      ...(binding ? { binding } : {}),
    });
    return code;
  }

  /** Codes are single use: a second redemption fails even within their lifetime. */
  redeemCode(code: string): Grant | undefined {
    const grant = this.codes.get(code);
    this.codes.delete(code);
    return grant && grant.expiresAt > this.now() ? grant : undefined;
  }

  findRefresh(value: string): Grant | undefined {
    return this.refreshTokens.get(value);
  }

  issueConsentTokens(grant: Grant): { access: AccessToken; refresh: string } {
    const refresh = secret();
    this.refreshTokens.set(refresh, { ...grant, expiresAt: Number.POSITIVE_INFINITY });
    const access = this.store({
      value: secret(),
      scopes: new Set([grant.scope]),
      consentId: grant.consentId,
      expiresAt: this.expiry(),
    });
    return { access, refresh };
  }

  get ttl(): number {
    return this.ttlSeconds;
  }

  private store(token: AccessToken): AccessToken {
    this.accessTokens.set(token.value, token);
    return token;
  }

  private expiry(): number {
    return this.now() + this.ttlSeconds * 1000;
  }
}

function secret(): string {
  return randomBytes(24).toString('base64url');
}

function oauthError(error: string, description: string, status = 400): Reply {
  return {
    status,
    headers: { 'Cache-Control': 'no-store' },
    body: { error, error_description: description },
  };
}

/** POST /oauth/token (RFC 6749 §4.1.3, §4.4, §6). Client authentication is not checked. */
export function tokenEndpoint(
  tokens: TokenService,
  consentUsable: (consentId: string) => boolean,
): (req: ApiRequest) => Reply {
  return (req) => {
    const form = parseFormBody(req);
    if (!form.ok) return oauthError('invalid_request', form.message);
    const params = form.value;
    const grantType = params.get('grant_type');
    if (grantType === 'client_credentials') {
      const requested = (params.get('scope') ?? 'accounts payments').split(/\s+/).filter(Boolean);
      const scopes = new Set<TokenScope>();
      for (const scope of requested) {
        if (scope === 'openid') continue;
        if (scope !== 'accounts' && scope !== 'payments') {
          return oauthError('invalid_scope', `unknown scope ${scope}`);
        }
        scopes.add(scope);
      }
      const token = tokens.issueClientToken(scopes);
      return tokenReply(tokens, token);
    }
    if (grantType === 'authorization_code') {
      const code = params.get('code');
      if (!code) return oauthError('invalid_request', 'code is required');
      const grant = tokens.redeemCode(code);
      if (!grant || !consentUsable(grant.consentId)) {
        return oauthError('invalid_grant', 'authorization code is invalid, used or expired');
      }
      const mismatch = grant.binding && bindingMismatch(grant.binding, params);
      if (mismatch) return oauthError('invalid_grant', mismatch);
      const { binding: _bound, ...unbound } = grant;
      const issued = tokens.issueConsentTokens(unbound);
      return tokenReply(tokens, issued.access, issued.refresh);
    }
    if (grantType === 'refresh_token') {
      const refresh = params.get('refresh_token');
      if (!refresh) return oauthError('invalid_request', 'refresh_token is required');
      const grant = tokens.findRefresh(refresh);
      if (!grant || !consentUsable(grant.consentId)) {
        return oauthError('invalid_grant', 'refresh token is invalid or its consent has ended');
      }
      const issued = tokens.issueConsentTokens(grant);
      return tokenReply(tokens, issued.access, issued.refresh);
    }
    return oauthError(
      'unsupported_grant_type',
      `grant_type ${grantType ?? '(none)'} is not supported`,
    );
  };
}

/** RFC 7636 §4.6 and RFC 6749 §4.1.3: the same client, redirect URI and PKCE verifier. */
function bindingMismatch(binding: CodeBinding, params: URLSearchParams): string | undefined {
  if (params.get('client_id') !== binding.clientId) return 'code was issued to another client';
  if (params.get('redirect_uri') !== binding.redirectUri) return 'redirect_uri does not match';
  const verifier = params.get('code_verifier') ?? '';
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return 'code_verifier is missing or malformed';
  const challenge = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const expected = Buffer.from(binding.codeChallenge);
  if (challenge.length !== expected.length || !timingSafeEqual(challenge, expected)) {
    return 'code_verifier does not match the code_challenge';
  }
  return undefined;
}

function tokenReply(tokens: TokenService, token: AccessToken, refresh?: string): Reply {
  const body: Record<string, string | number> = {
    access_token: token.value,
    token_type: 'Bearer',
    expires_in: tokens.ttl,
    scope: [...token.scopes].join(' '),
  };
  if (refresh !== undefined) body.refresh_token = refresh;
  return { status: 200, headers: { 'Cache-Control': 'no-store' }, body };
}

export type BearerCheck =
  | { ok: true; token: AccessToken }
  | { ok: false; status: 401; reason: 'missing' | 'malformed' | 'unknown' | 'expired' };

/** Reads `Authorization: Bearer …`; the scheme is case-insensitive (RFC 7235). */
export function readBearer(tokens: TokenService, req: ApiRequest, now: number): BearerCheck {
  const value = header(req, 'authorization');
  if (value === undefined) return { ok: false, status: 401, reason: 'missing' };
  const match = /^bearer\s+(\S+)\s*$/i.exec(value);
  if (!match?.[1]) return { ok: false, status: 401, reason: 'malformed' };
  const token = tokens.find(match[1]);
  if (!token) return { ok: false, status: 401, reason: 'unknown' };
  if (token.expiresAt <= now) return { ok: false, status: 401, reason: 'expired' };
  return { ok: true, token };
}
