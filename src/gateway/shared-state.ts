import type { Issuer } from '../shared/auth/verify.ts';
import type { GatewayConfig } from '../shared/config/index.ts';
import type { Logger } from '../shared/log/index.ts';
import { closeRedis, defaultSignalPrefix, redisConnection } from '../shared/signals/index.ts';
import { reloadIssuerKeys } from './authenticate.ts';
import { createGrantCache, type GrantCache } from './grant-cache.ts';
import { createRateLimiter, type RateLimiter } from './limits/index.ts';
import { createVerifiedTokens, type VerifiedTokens } from './verified-tokens.ts';

export interface SharedStateOptions {
  /** Unset: limits per process and no grant cache, exactly as a single gateway needs. */
  redisUrl?: string;
  /** Prefix of Redis keys and signal channels; one per deployment sharing a Redis. */
  prefix?: string;
  rateLimit: GatewayConfig['rateLimit'];
  issuers: Issuer[];
  log: Logger;
}

/** What gateway replicas share through Redis: the rate-limit budget and grant invalidation. */
export function connectSharedState(o: SharedStateOptions): {
  takeToken: RateLimiter;
  grantCache?: GrantCache;
  verifiedTokens: VerifiedTokens;
  /** Shared now: limits counted in Redis and the grant cache's signals live. */
  readonly live: boolean;
  close(): Promise<void>;
} {
  const verifiedTokens = createVerifiedTokens();
  if (!o.redisUrl) {
    return {
      takeToken: createRateLimiter(o.rateLimit),
      verifiedTokens,
      live: false,
      close: async () => {},
    };
  }
  const prefix = o.prefix ?? defaultSignalPrefix;
  // Limits fail fast to the per-replica fallback rather than queue behind a dead connection.
  const redis = redisConnection(o.redisUrl, 'ledgergraph-gateway-limits', o.log, {
    enableOfflineQueue: false,
    commandTimeout: 500,
    maxRetriesPerRequest: 0,
  });
  const grantCache = createGrantCache({
    redisUrl: o.redisUrl,
    prefix,
    log: o.log,
    onKeysRotated: () => {
      verifiedTokens.clear();
      reloadIssuerKeys(o.issuers, o.log);
    },
  });
  return {
    takeToken: createRateLimiter({
      ...o.rateLimit,
      redis,
      keyPrefix: `${prefix}:rate`,
      log: o.log,
    }),
    grantCache,
    verifiedTokens,
    get live() {
      return redis.status === 'ready' && grantCache.live;
    },
    async close() {
      await grantCache.close();
      await closeRedis(redis);
    },
  };
}
