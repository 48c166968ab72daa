import { describe, expect, it } from 'vitest';
import { createConcurrencyCap, createRateLimiter } from '../../src/gateway/limits/index.ts';
import { AppError } from '../../src/shared/errors/index.ts';

const refusal = (f: () => void): AppError => {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
  }
  throw new Error('expected a refusal');
};

describe('token bucket per client', () => {
  it('allows the burst, refuses the next with the seconds until a token, refills over time', () => {
    let now = 0;
    const take = createRateLimiter({ perSecond: 2, burst: 3, now: () => now });
    take('a');
    take('a');
    take('a');
    const e = refusal(() => take('a'));
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.details.retryAfterSeconds).toBe(1);
    now = 0.5; // one token back at 2 per second
    take('a');
    expect(() => take('a')).toThrow(AppError);
  });

  it('rounds Retry-After up to whole seconds for slow refills', () => {
    const take = createRateLimiter({ perSecond: 0.1, burst: 1, now: () => 0 });
    take('a');
    expect(refusal(() => take('a')).details.retryAfterSeconds).toBe(10);
  });

  it('keeps clients apart and forgets the least recently used past maxKeys', () => {
    const take = createRateLimiter({ perSecond: 0.001, burst: 1, now: () => 0, maxKeys: 2 });
    take('a');
    take('b');
    expect(() => take('a')).toThrow(AppError);
    take('c'); // evicts b, the least recently used
    take('b'); // b starts with a full bucket again
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
