import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createConcurrencyCap,
  createRateLimiter,
  rateLimitWindow,
} from '../../src/gateway/limits/index.ts';
import { AppError } from '../../src/shared/errors/index.ts';

const refusal = (f: () => void): AppError => {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
  }
  throw new Error('expected a refusal');
};

const refused = async (p: Promise<void>): Promise<AppError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
  }
  throw new Error('expected a refusal');
};

// rate-limiter-flexible reads Date.now and expires windows with timers: both frozen here.
describe('rate limit per client (one process, rate-limiter-flexible in memory)', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('allows the burst, refuses the next with the seconds until the window ends, refills after it', async () => {
    const take = createRateLimiter({ perSecond: 2, burst: 4 });
    for (let i = 0; i < 4; i++) await take('a');
    const e = await refused(take('a'));
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.details.retryAfterSeconds).toBe(2);
    vi.advanceTimersByTime(1_000);
    expect((await refused(take('a'))).details.retryAfterSeconds).toBe(1);
    vi.advanceTimersByTime(1_000); // the 2 s window (4 at 2 per second) is over
    for (let i = 0; i < 4; i++) await take('a');
    await expect(take('a')).rejects.toThrow(AppError);
  });

  it('rounds Retry-After up to whole seconds for slow refills', async () => {
    const take = createRateLimiter({ perSecond: 0.1, burst: 1 });
    await take('a');
    expect((await refused(take('a'))).details.retryAfterSeconds).toBe(10);
  });

  it('keeps clients apart', async () => {
    const take = createRateLimiter({ perSecond: 0.001, burst: 1 });
    await take('a');
    await take('b');
    await expect(take('a')).rejects.toThrow(AppError);
    await take('c');
  });

  it('maps rate and burst onto a window that never lets more through than configured', () => {
    expect(rateLimitWindow({ perSecond: 50, burst: 100 })).toEqual({ points: 100, duration: 2 });
    expect(rateLimitWindow({ perSecond: 0.05, burst: 3 })).toEqual({ points: 3, duration: 60 });
    // 3 per 1.5 s has no whole-second window: 3 per 2 s, never 3 per 1 s.
    expect(rateLimitWindow({ perSecond: 2, burst: 3 })).toEqual({ points: 3, duration: 2 });
    expect(rateLimitWindow({ perSecond: 50, burst: 10 })).toEqual({ points: 10, duration: 1 });
  });
});

describe('concurrency cap', () => {
  it('refuses at the cap with 503 semantics and frees a slot exactly once per release', () => {
    const cap = createConcurrencyCap(1);
    const release = cap.acquire();
    const e = refusal(() => cap.acquire());
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.details).toMatchObject({ http: 503, retryAfterSeconds: 1 });
    release();
    release();
    expect(cap.active).toBe(0);
    cap.acquire();
    expect(() => cap.acquire()).toThrow(AppError);
  });
});
