import type { ConsentGrant } from '../shared/auth/principal.ts';
import { silentLogger, type Logger } from '../shared/log/index.ts';
import { registry } from '../shared/metrics/index.ts';
import { createSignalSubscriber } from '../shared/signals/index.ts';

const lookups = registry.counter(
  'ledgergraph_consent_grant_cache_total',
  'Consent grant lookups at the gateway: hit, miss, or bypass (signals not live)',
  ['result'],
);

export interface GrantCacheOptions {
  redisUrl: string;
  /** Channel prefix; the consent service's publisher must use the same. */
  prefix?: string;
  /** Longest an entry is trusted, whatever the signals say. Default 10 000 ms. */
  ttlMs?: number;
  /** Entries kept, least recently used dropped first. Default 10 000. */
  maxEntries?: number;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
  /** The consent service rotated its keys (the gateway refetches its JWKS). */
  onKeysRotated?: () => void;
  log?: Logger;
}

export interface GrantCache {
  /**
   * The consent's grant: from the cache while the invalidation signals are live, else from
   * `lookup`, which is then remembered (a null grant never is).
   */
  get(consentId: string, lookup: () => Promise<ConsentGrant | null>): Promise<ConsentGrant | null>;
  /** Whether entries may be served (the signal subscription is live). */
  readonly live: boolean;
  readonly size: number;
  close(): Promise<void>;
}

/**
 * A short-lived cache of consent grants, emptied on every replica by the consent service's
 * signals. Revocation still bites on the next request: a changed consent's entry is dropped
 * when its signal arrives, and while signals could be missed (Redis down, reconnecting)
 * nothing is served from the cache. An entry never outlives its consent's expiry.
 */
export function createGrantCache(o: GrantCacheOptions): GrantCache {
  const ttlMs = o.ttlMs ?? 10_000;
  const maxEntries = o.maxEntries ?? 10_000;
  const now = o.now ?? Date.now;
  const log = o.log ?? silentLogger;
  const entries = new Map<string, { grant: ConsentGrant; until: number }>();
  // Bumped by every signal, so a lookup that overlapped one is not remembered: it may have
  // read the consent before the change it announces.
  let generation = 0;
  const forget = (consentId?: string) => {
    generation += 1;
    if (consentId) entries.delete(consentId);
    else entries.clear();
  };

  const signals = createSignalSubscriber(
    o.redisUrl,
    {
      consentChanged: forget,
      keysRotated: () => {
        forget();
        o.onKeysRotated?.();
      },
      liveChanged: (live) => {
        forget();
        log.info(live ? 'grant cache on: signals live' : 'grant cache off: signals not live');
      },
    },
    { prefix: o.prefix, log },
  );

  return {
    async get(consentId, lookup) {
      if (!signals.live) {
        lookups.inc({ result: 'bypass' });
        return lookup();
      }
      const hit = entries.get(consentId);
      if (hit && hit.until > now()) {
        // Re-insert so the Map's order is least recently used first.
        entries.delete(consentId);
        entries.set(consentId, hit);
        lookups.inc({ result: 'hit' });
        return hit.grant;
      }
      entries.delete(consentId);
      lookups.inc({ result: 'miss' });
      const before = generation;
      const grant = await lookup();
      if (grant && signals.live && generation === before) {
        const expiry = grant.expiresAt ? Date.parse(grant.expiresAt) : Infinity;
        const until = Math.min(now() + ttlMs, expiry);
        if (until > now()) {
          entries.set(consentId, { grant, until });
          if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
        }
      }
      return grant;
    },
    get live() {
      return signals.live;
    },
    get size() {
      return entries.size;
    },
    close: () => signals.close(),
  };
}
