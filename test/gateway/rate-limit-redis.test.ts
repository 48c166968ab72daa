import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectSharedState } from '../../src/gateway/shared-state.ts';
import { AppError } from '../../src/shared/errors/index.ts';
import { createLogger } from '../../src/shared/log/index.ts';
import { registry } from '../../src/shared/metrics/index.ts';
import { redisUrl, requireRedis } from '../support/services.ts';
import { until } from './helpers.ts';
import { startTcpProxy } from './tcp-proxy.ts';

/**
 * Gateway replicas share one rate-limit budget per client_id through Redis. Each "replica"
 * here is what one gateway process builds: its own Redis connections and limiter.
 */
describe('rate limits shared by gateway replicas (Redis)', async () => {
  const available = await requireRedis();
  // 3 per 60 s: nothing is earned back while a test runs.
  const rateLimit = { perSecond: 0.05, burst: 3 };
  const prefixes: string[] = [];
  const stops: (() => Promise<void>)[] = [];
  const lines: string[] = [];
  const log = createLogger('info', (l) => lines.push(l));

  /** A key prefix of its own, so tests running side by side never share a budget. */
  const deployment = () => {
    const prefix = `test:${randomUUID()}`;
    prefixes.push(prefix);
    return prefix;
  };
  const replica = (prefix: string, url = redisUrl) => {
    const state = connectSharedState({ redisUrl: url, prefix, rateLimit, issuers: [], log });
    stops.push(() => state.close());
    return state;
  };
  const code = (p: Promise<void>) =>
    p.then(
      () => 'ok',
      (e: unknown) => (e instanceof AppError ? e.code : String(e)),
    );

  afterEach(async () => {
    await Promise.all(stops.splice(0).map((stop) => stop()));
  });
  afterAll(async () => {
    if (!available) return;
    const redis = new Redis(redisUrl);
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    }
    await redis.quit();
  });

  it.skipIf(!available)(
    'refuses the second replica once the first used the burst, with Retry-After from the shared window',
    async () => {
      const prefix = deployment();
      const a = replica(prefix);
      const b = replica(prefix);
      await until(() => a.live && b.live);
      for (let i = 0; i < 3; i++) await a.takeToken('client-1');
      const refusal = await b.takeToken('client-1').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refusal).toBeInstanceOf(AppError);
      expect((refusal as AppError).code).toBe('RATE_LIMITED');
      expect((refusal as AppError).details.retryAfterSeconds).toBeGreaterThan(30);
      expect(await code(a.takeToken('client-1'))).toBe('RATE_LIMITED');
      // Another client is not slowed by the first, on either replica.
      expect(await code(b.takeToken('client-2'))).toBe('ok');
    },
  );

  it('without Redis, each replica has its own budget', async () => {
    const a = connectSharedState({ rateLimit, issuers: [], log });
    const b = connectSharedState({ rateLimit, issuers: [], log });
    for (let i = 0; i < 3; i++) await a.takeToken('client-1');
    expect(await code(a.takeToken('client-1'))).toBe('RATE_LIMITED');
    for (let i = 0; i < 3; i++) expect(await code(b.takeToken('client-1'))).toBe('ok');
    expect(a.grantCache).toBeUndefined();
  });

  it.skipIf(!available)(
    'with Redis down a replica still limits, alone, says so once and counts it; shared again once back',
    async () => {
      const proxy = await startTcpProxy(redisUrl);
      stops.push(proxy.close);
      const prefix = deployment();
      const a = replica(prefix, proxy.url);
      const b = replica(prefix);
      await until(() => a.live && b.live);
      const fallbacks = () =>
        registry.counter('ledgergraph_rate_limit_fallback_total', '', ['limiter']).get({
          limiter: 'client',
        });
      const before = await fallbacks();
      lines.length = 0;

      proxy.cut();
      await until(() => !a.live);
      for (let i = 0; i < 3; i++) expect(await code(a.takeToken('client-1'))).toBe('ok');
      expect(await code(a.takeToken('client-1'))).toBe('RATE_LIMITED');
      expect((await fallbacks()) - before).toBe(4);
      // b kept Redis: a's requests meanwhile were not counted there.
      expect(await code(b.takeToken('client-1'))).toBe('ok');
      expect(lines.filter((l) => l.includes('rate limits per replica'))).toHaveLength(1);

      proxy.restore();
      await until(() => a.live);
      // Shared again: a and b draw from one budget for a fresh client.
      for (let i = 0; i < 3; i++) await a.takeToken('client-3');
      expect(await code(b.takeToken('client-3'))).toBe('RATE_LIMITED');
      expect(lines.filter((l) => l.includes('rate limits shared again'))).toHaveLength(1);
    },
  );
});
