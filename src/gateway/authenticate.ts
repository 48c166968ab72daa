import { isIP } from 'node:net';
import type { InternalContext } from '../shared/auth/internal-context.ts';
import { scopesForPermissions } from '../shared/auth/permissions.ts';
import type { ConsentGrant } from '../shared/auth/principal.ts';
import { bearerToken, verifyAccessToken, type Issuer } from '../shared/auth/verify.ts';
import { unauthenticated } from '../shared/errors/index.ts';
import { callInternal } from '../shared/internal-api/call.ts';
import type { Logger } from '../shared/log/index.ts';
import type { GrantCache } from './grant-cache.ts';
import type { VerifiedTokens } from './verified-tokens.ts';

export interface AuthenticatorOptions {
  issuers: Issuer[];
  audience: string;
  /** The consent service's grant lookup, e.g. http://127.0.0.1:4101/internal/consent-grant */
  consentGrantUrl: string;
  internalSecret: string;
  /** Remembers grants between requests; only with cross-replica invalidation (Redis). */
  grantCache?: GrantCache;
  /** Remembers access tokens whose signature was checked (verified-tokens.ts). */
  verifiedTokens?: VerifiedTokens;
}

/**
 * Turns a request's Authorization header into the identity forwarded to subgraphs, or throws
 * UNAUTHENTICATED. A consent-bound token is checked against its consent on every request,
 * so revocation and expiry take effect on the next request, and the consent's bounds
 * (accounts, date window) travel with the request. A grant cache may answer instead: the
 * consent service's signals drop an entry on every replica when its consent changes, and
 * nothing is served from it while they could be missed (grant-cache.ts).
 */
export function createAuthenticator(o: AuthenticatorOptions) {
  const grantOf = (consentId: string): Promise<ConsentGrant | null> =>
    o.grantCache ? o.grantCache.get(consentId, () => lookUp(consentId)) : lookUp(consentId);

  const consent = new URL(o.consentGrantUrl);
  async function lookUp(consentId: string): Promise<ConsentGrant | null> {
    const answer = await callInternal<{ grant: ConsentGrant | null }>({
      baseUrl: consent.origin,
      path: `${consent.pathname}?id=${encodeURIComponent(consentId)}`,
      audience: 'consent:grant',
      secret: o.internalSecret,
      service: 'consent',
    });
    return answer.grant;
  }

  return async (
    authorization: string | undefined,
    requestId: string,
    customerIp?: string,
  ): Promise<InternalContext> => {
    const token = bearerToken(authorization);
    if (!token)
      throw unauthenticated('A bearer access token is required in the Authorization header');
    const verify = () => verifyAccessToken(token, { issuers: o.issuers, audience: o.audience });
    const principal = await (o.verifiedTokens ? o.verifiedTokens.get(token, verify) : verify());
    // Only a token acting for a PSU can say the PSU is present.
    const psuIpAddress = principal.psuId ? psuIp(customerIp) : undefined;
    if (!principal.consentId)
      return { requestId, principal, ...(psuIpAddress ? { psuIpAddress } : {}) };
    const grant = await grantOf(principal.consentId);
    if (!grant || grant.clientId !== principal.clientId || grant.psuId !== principal.psuId) {
      throw unauthenticated('The consent behind this token is no longer authorised');
    }
    // A token can never carry more than its consent grants today.
    const scopes = principal.scopes.filter((s) => grantScopes(grant).has(s));
    return {
      requestId,
      principal: { ...principal, scopes },
      grant,
      ...(psuIpAddress ? { psuIpAddress } : {}),
    };
  };
}

/**
 * Refetches each issuer's JWKS now (after a rotation signal) rather than when a token with
 * an unknown `kid` arrives, which jose's cooldown can delay.
 */
export function reloadIssuerKeys(issuers: Issuer[], log: Logger): void {
  for (const { issuer, keys } of issuers) {
    if (!('reload' in keys) || typeof keys.reload !== 'function') continue;
    (keys.reload as () => Promise<void>)().catch((error: unknown) =>
      log.warn('JWKS reload failed', { issuer, error }),
    );
  }
}

/** A valid IPv4/IPv6 address, or nothing: a malformed header is ignored, never trusted. */
function psuIp(header: string | undefined): string | undefined {
  const value = header?.trim();
  return value && isIP(value) ? value : undefined;
}

const grantScopes = (g: ConsentGrant) => new Set(scopesForPermissions(g.permissions));
