import {
  createRemoteJWKSet,
  decodeJwt,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { unauthenticated } from '../errors/index.ts';
import type { Principal } from './principal.ts';

/** Algorithms we accept. jose would otherwise accept any algorithm that fits the key. */
export const allowedAlgorithms = ['ES256', 'PS256', 'EdDSA'];
export const accessTokenType = 'at+jwt';
const clockToleranceSeconds = 5;
const maxFutureSkewSeconds = 60;

/**
 * What an external issuer's tokens may do here (TRUSTED_ISSUERS). Its `client_id` is a name
 * in its own namespace, so it counts only through `clients`; consents are granted here, so
 * its tokens carry `consent_id` only with `consentBound`; its `sub` names one of our PSUs
 * only with `psus`.
 */
export interface IssuerTrust {
  /** Its client_id → one of our registered client app ids; an unmapped one gets nothing. */
  clients: Readonly<Record<string, string>>;
  /** Scopes beyond these are dropped from its tokens. */
  maxScopes: readonly string[];
  consentBound: boolean;
  /**
   * Its `sub` is one of our PSU ids: the operator's own customer identity provider, the one
   * source of tokens acting as a PSU (ours issues none; docs/DECISIONS.md, "Tokens"). Unset:
   * its tokens never act as a PSU.
   */
  psus?: boolean;
  /** Its JWS algorithms, in place of `allowedAlgorithms`. */
  algorithms: readonly string[];
}

export interface Issuer {
  issuer: string;
  keys: JWTVerifyGetKey;
  /** Set for an external issuer; our own issuer has none. */
  trust?: IssuerTrust;
}

export interface VerifyOptions {
  issuers: Issuer[];
  audience: string;
  /** Seconds since the epoch; tests freeze the clock through it. */
  now?: () => number;
}

/** Our own issuer without `trust`; an external one always with it. */
export const remoteIssuer = (issuer: string, jwksUrl: string, trust?: IssuerTrust): Issuer => ({
  issuer,
  keys: createRemoteJWKSet(new URL(jwksUrl), { cooldownDuration: 5_000, timeoutDuration: 3_000 }),
  ...(trust ? { trust } : {}),
});

/**
 * Extracts a bearer token from the Authorization header only (never the query string or
 * body). The scheme is matched case-insensitively (RFC 7235).
 */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^bearer\s+([A-Za-z0-9\-_.~+/]+=*)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Verifies an access token (RFC 9068 profile) and returns its principal. Every failure is
 * UNAUTHENTICATED with a generic reason; nothing from the token is echoed back.
 */
export async function verifyAccessToken(token: string, options: VerifyOptions): Promise<Principal> {
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(token);
  } catch {
    throw unauthenticated('Malformed access token');
  }
  const issuer = options.issuers.find((i) => i.issuer === unverified.iss);
  if (!issuer) throw unauthenticated('Access token from an unknown issuer');

  const now = options.now?.() ?? Math.floor(Date.now() / 1000);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, issuer.keys, {
      algorithms: issuer.trust ? [...issuer.trust.algorithms] : allowedAlgorithms,
      issuer: issuer.issuer,
      audience: options.audience,
      typ: accessTokenType,
      clockTolerance: clockToleranceSeconds,
      requiredClaims: ['exp', 'iat', 'sub', 'jti', 'client_id'],
      currentDate: new Date(now * 1000),
    }));
  } catch (e) {
    throw unauthenticated(reasonFor(e));
  }
  if (
    (payload.iat ?? 0) > now + maxFutureSkewSeconds ||
    (payload.nbf ?? 0) > now + maxFutureSkewSeconds
  ) {
    throw unauthenticated('Access token issued in the future');
  }
  const principal = principalFrom(payload, issuer.issuer);
  return issuer.trust ? externalPrincipal(principal, issuer.trust) : principal;
}

/**
 * An external token acts for the registered client app its client_id maps to, with at most
 * the issuer's scopes, and as a PSU only from an issuer trusted with `psus`: otherwise its
 * `sub` names a user of that issuer, not one of ours, so only a consent granted here
 * (checked by the gateway) binds it to a PSU.
 */
function externalPrincipal(p: Principal, trust: IssuerTrust): Principal {
  const externalClientId = p.clientId;
  const clientId = Object.hasOwn(trust.clients, externalClientId)
    ? trust.clients[externalClientId]
    : undefined;
  if (!clientId) throw unauthenticated('Access token from a client not registered for its issuer');
  if (p.consentId && !trust.consentBound) {
    throw unauthenticated('Consent-bound access tokens from this issuer are not accepted');
  }
  const ceiling = new Set(trust.maxScopes);
  const asPsu = !p.consentId && p.kind === 'psu' && trust.psus === true;
  return {
    ...p,
    kind: p.consentId ? 'consent' : asPsu ? 'psu' : 'client',
    clientId,
    externalClientId,
    psuId: p.consentId || asPsu ? p.subject : undefined,
    scopes: p.scopes.filter((s) => ceiling.has(s)),
  };
}

function reasonFor(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return 'Access token expired';
  if (e instanceof joseErrors.JWTClaimValidationFailed)
    return `Access token claim rejected: ${e.claim}`;
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return 'Access token algorithm not allowed';
  if (e instanceof joseErrors.JWKSNoMatchingKey) return 'Access token signed by an unknown key';
  if (e instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'Access token signature invalid';
  return 'Invalid access token';
}

function principalFrom(p: JWTPayload, issuer: string): Principal {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const sub = p.sub as string;
  const clientId = String(p.client_id);
  const consentId = str(p.consent_id);
  const kind = consentId ? 'consent' : sub === clientId ? 'client' : 'psu';
  return {
    kind,
    subject: sub,
    clientId,
    psuId: kind === 'client' ? undefined : sub,
    consentId,
    scopes: (str(p.scope) ?? '').split(' ').filter(Boolean),
    acr: str(p.acr),
    tokenId: p.jti as string,
    issuer,
    expiresAt: p.exp as number,
  };
}
