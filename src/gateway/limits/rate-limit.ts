import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError, ErrorCode, rateLimited } from '../../shared/errors/index.ts';
import { silentLogger, type Logger } from '../../shared/log/index.ts';
import { registry } from '../../shared/metrics/index.ts';

const fallbacks = registry.counter(
  'ledgergraph_rate_limit_fallback_total',
  'Requests rate-limited by this replica alone because Redis did not answer',
  ['limiter'],
);

export interface RateLimitOptions {
  perSecond: number;
  burst: number;
  /** Shares one budget per key between every replica on this Redis; without it, per process. */
  redis?: Redis;
  /** Redis key prefix: one per deployment sharing a Redis (tests use one per test). */
  keyPrefix?: string;
  log?: Logger;
}

/** Takes one request from `key`'s budget, or throws RATE_LIMITED with Retry-After seconds. */
export type RateLimiter = (key: string) => Promise<void>;

/**
 * The fixed window rate-limiter-flexible counts in: `burst` requests per window, the window
 * as long as the configured rate takes to earn a full burst, in whole seconds because the
 * Redis store keeps whole-second expiries. Rounding up never lets more through than
 * configured. docs/DECISIONS.md (rate limits) says how this differs from a token bucket.
 */
export function rateLimitWindow(o: { perSecond: number; burst: number }) {
  return { points: o.burst, duration: Math.max(1, Math.ceil(o.burst / o.perSecond)) };
}

/**
 * A budget per key (the client_id). With Redis, every replica draws from the same counter;
 * while Redis does not answer, each replica falls back to its own in-memory window of the
 * same size, logs it once and counts every such request.
 */
export function createRateLimiter(o: RateLimitOptions): RateLimiter {
  const log = o.log ?? silentLogger;
  const window = { ...rateLimitWindow(o), keyPrefix: o.keyPrefix ?? 'ledgergraph:rate' };
  let degraded = false;
  const insurance = new PerReplicaFallback(window, () => {
    fallbacks.inc({ limiter: 'client' });
    if (degraded) return;
    degraded = true;
    log.warn('rate limits per replica: Redis does not answer');
  });
  const limiter = o.redis
    ? new RateLimiterRedis({
        ...window,
        storeClient: o.redis,
        // Down or reconnecting: straight to the fallback instead of waiting.
        rejectIfRedisNotReady: true,
        // A client over its budget is refused from memory until its window ends.
        inMemoryBlockOnConsumed: window.points + 1,
        insuranceLimiter: insurance,
      })
    : new RateLimiterMemory(window);

  return async (key) => {
    const usedBefore = insurance.used;
    try {
      await limiter.consume(key);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      const retryAfterSeconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw rateLimited(
        `Rate limit exceeded for client ${key}; retry after ${retryAfterSeconds} s`,
        retryAfterSeconds,
      );
    } finally {
      if (degraded && o.redis && insurance.used === usedBefore) {
        degraded = false;
        log.info('rate limits shared again: Redis answers');
      }
    }
  };
}

/** The in-memory window Redis falls back to, counting how often it stands in. */
class PerReplicaFallback extends RateLimiterMemory {
  used = 0;
  constructor(
    options: { points: number; duration: number; keyPrefix: string },
    private readonly onUse: () => void,
  ) {
    super(options);
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>) {
    this.used += 1;
    this.onUse();
    return super.consume(...args);
  }
}

/**
 * At most `max` requests in flight. Past it, the answer is an immediate 503: a queue would
 * only add latency and memory while the gateway is already saturated.
 */
export function createConcurrencyCap(max: number, gauge?: { inc(): void; dec(): void }) {
  let active = 0;
  return {
    /** A release function, or throws when the cap is reached. */
    acquire(): () => void {
      if (active >= max) {
        throw new AppError(ErrorCode.RATE_LIMITED, 'The gateway is at capacity; retry shortly', {
          http: 503,
          retryAfterSeconds: 1,
          reason: 'overloaded',
        });
      }
      active += 1;
      gauge?.inc();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        active -= 1;
        gauge?.dec();
      };
    },
    get active() {
      return active;
    },
  };
}
