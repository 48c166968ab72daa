import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkGrantCacheHits,
  dropRedisKeys,
  grantCacheCounts,
  redisBenchEnv,
} from '../../bench/support/redis.ts';
import { startBenchSystem, type BenchSystem } from '../../bench/support/system.ts';

// The bench's "gateway, Redis" variant is only worth its name while the gateway's grant cache
// serves: configured but not live (Redis away, signals not subscribed) every lookup bypasses
// it, and the bench must stop rather than measure the plain gateway under that name.
let away: BenchSystem;
let live: BenchSystem;
let prefix: string;
beforeAll(async () => {
  const env = await redisBenchEnv();
  prefix = env.REDIS_KEY_PREFIX;
  // Nothing listens on port 1: the gateway starts, its cache never goes live.
  away = await startBenchSystem({ ...env, REDIS_URL: 'redis://127.0.0.1:1' });
  live = await startBenchSystem(env);
}, 120_000);
afterAll(async () => {
  await away?.stop();
  await live?.stop();
  if (prefix) await dropRedisKeys(prefix);
});

describe('bench "gateway, Redis" variant', () => {
  it('stops when the grant cache is configured but not live', async () => {
    const before = await grantCacheCounts(away.gatewayUrl);
    await expect(checkGrantCacheHits(away, 1_000)).rejects.toThrow(/served no lookup/);
    expect((await grantCacheCounts(away.gatewayUrl)).bypass).toBeGreaterThan(before.bypass);
  }, 30_000);

  it('passes once the grant cache answers from memory', async () => {
    const before = await grantCacheCounts(live.gatewayUrl);
    const after = await checkGrantCacheHits(live);
    expect(after.hit).toBeGreaterThan(before.hit);
    expect(after.bypass).toBe(before.bypass);
  }, 30_000);
});
