import { AppError, ErrorCode, rateLimited } from '../../shared/errors/index.ts';

export interface RateLimitOptions {
  perSecond: number;
  burst: number;
  /** Seconds, monotonic. */
  now?: () => number;
  /** Idle buckets beyond this many are forgotten, oldest first. */
  maxKeys?: number;
}

/** A token bucket per key (the client_id): `burst` at once, refilled at `perSecond`. */
export function createRateLimiter(o: RateLimitOptions) {
  const now = o.now ?? (() => performance.now() / 1000);
  const maxKeys = o.maxKeys ?? 10_000;
  const buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes one token or throws RATE_LIMITED with the seconds until the next one. */
  return (key: string): void => {
    const t = now();
    const b = buckets.get(key) ?? { tokens: o.burst, at: t };
    b.tokens = Math.min(o.burst, b.tokens + (t - b.at) * o.perSecond);
    b.at = t;
    // Re-insert so the Map's order is least recently used first.
    buckets.delete(key);
    buckets.set(key, b);
    if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
    if (b.tokens < 1) {
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - b.tokens) / o.perSecond));
      throw rateLimited(
        `Rate limit exceeded for client ${key}; retry after ${retryAfterSeconds} s`,
        retryAfterSeconds,
      );
    }
    b.tokens -= 1;
  };
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
