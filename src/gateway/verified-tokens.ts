import type { Principal } from '../shared/auth/principal.ts';
import { registry } from '../shared/metrics/index.ts';

const lookups = registry.counter(
  'ledgergraph_access_token_verifications_total',
  'Access tokens checked at the gateway: verified (signature checked) or remembered',
  ['result'],
);

export interface VerifiedTokensOptions {
  /** Longest a verification is reused, whatever the token's own expiry. Default 60 s. */
  maxAgeSeconds?: number;
  /** Tokens remembered, least recently used dropped first. Default 5 000. */
  maxEntries?: number;
  /** Seconds since the epoch; tests move it. */
  now?: () => number;
}

export interface VerifiedTokens {
  /** The principal of a token verified before, or the one `verify` finds (then remembered). */
  get(token: string, verify: () => Promise<Principal>): Promise<Principal>;
  /** Forgets every verification (the issuers' keys were reloaded). */
  clear(): void;
  readonly size: number;
}

/**
 * A client sends the same access token on every request for its lifetime, and checking its
 * signature (ES256 through WebCrypto) costs ~190 µs of CPU per request here. A token's
 * signature and claims do not change, so a verification is remembered for at most a minute
 * and never past the token's `exp`; whether its consent still holds is asked on every
 * request all the same (the grant lookup). Only tokens that verified are kept, keyed by the
 * whole token, so a forged one can never match an entry.
 */
export function createVerifiedTokens(o: VerifiedTokensOptions = {}): VerifiedTokens {
  const maxAge = o.maxAgeSeconds ?? 60;
  const maxEntries = o.maxEntries ?? 5_000;
  const now = o.now ?? (() => Math.floor(Date.now() / 1000));
  const entries = new Map<string, { principal: Principal; until: number }>();
  return {
    async get(token, verify) {
      const hit = entries.get(token);
      if (hit && now() < hit.until) {
        // Re-inserted: the Map's order is its recency.
        entries.delete(token);
        entries.set(token, hit);
        lookups.inc({ result: 'remembered' });
        return hit.principal;
      }
      if (hit) entries.delete(token);
      // Frozen: one object now answers many requests, and none may change it for the others.
      const principal = Object.freeze({ ...(await verify()) });
      Object.freeze(principal.scopes);
      lookups.inc({ result: 'verified' });
      entries.set(token, { principal, until: Math.min(principal.expiresAt, now() + maxAge) });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      return principal;
    },
    clear: () => entries.clear(),
    get size() {
      return entries.size;
    },
  };
}
