import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { prime } from './load.ts';
import { balance, gatewayTarget } from './operations.ts';
import type { Seeded } from './seed.ts';

/** The machine's Redis (as the tests use it); BENCH_REDIS_URL points elsewhere. */
export const benchRedisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const connect = async () => {
  const client = new Redis(benchRedisUrl, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
};

/**
 * The env of a bench system that shares state through Redis, as gateway replicas do in
 * production: the consent grant cache (kept exact by the consent service's signals) and
 * rate limits counted in Redis. Its own key and channel prefix, so runs side by side never
 * see each other's signals or counters. An unreachable Redis fails the bench here, before
 * anything starts: unlike the PostgreSQL variant this one is never skipped.
 */
export async function redisBenchEnv() {
  try {
    const client = await connect();
    const pong = await client.ping().finally(() => client.disconnect());
    if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new Error(
      `Redis does not answer at ${benchRedisUrl} (${why}): the "gateway, Redis" variant needs ` +
        'it and the bench fails rather than skip it (BENCH_REDIS_URL points elsewhere)',
      { cause },
    );
  }
  return { REDIS_URL: benchRedisUrl, REDIS_KEY_PREFIX: `bench-${randomUUID()}` };
}

/** Removes what a run left under its prefix (rate-limit windows). */
export async function dropRedisKeys(prefix: string): Promise<void> {
  const client = await connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

export interface GrantCacheCounts {
  hit: number;
  miss: number;
  /** Lookups made while the signals were not live: the cache served nothing. */
  bypass: number;
}

/**
 * The gateway's `ledgergraph_consent_grant_cache_total` from its /metrics. The metrics
 * registry is one per process and every bench system shares the process, but only a system
 * started with REDIS_URL has a grant cache, so these are that system's lookups.
 */
export async function grantCacheCounts(gatewayUrl: string): Promise<GrantCacheCounts> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const counts: GrantCacheCounts = { hit: 0, miss: 0, bypass: 0 };
  for (const m of text.matchAll(
    /^ledgergraph_consent_grant_cache_total\{result="(hit|miss|bypass)"\} (\d+)$/gm,
  ))
    counts[m[1] as keyof GrantCacheCounts] = Number(m[2]);
  return counts;
}

/**
 * Waits until the gateway at `s` answers a balance from its grant cache: a request that
 * counts a hit and no bypass. The subscription to the signals goes live shortly after the
 * start; until it does every lookup bypasses the cache, and measuring then would measure
 * the plain gateway under another name, so the bench stops instead. Returns the counts
 * once it hits, for the run's own counts to be taken from.
 */
export async function checkGrantCacheHits(s: Seeded, timeoutMs = 10_000) {
  const target = gatewayTarget(s, balance);
  const deadline = Date.now() + timeoutMs;
  let before = await grantCacheCounts(s.gatewayUrl);
  for (;;) {
    await prime(target);
    const after = await grantCacheCounts(s.gatewayUrl);
    if (after.hit > before.hit && after.bypass === before.bypass) return after;
    if (Date.now() > deadline)
      throw new Error(
        `the Redis grant cache served no lookup within ${timeoutMs} ms ` +
          `(grant lookups: ${JSON.stringify(after)}): the "gateway, Redis" variant would ` +
          'measure the uncached gateway',
      );
    before = after;
    await sleep(200);
  }
}

/** `a` minus `b`, count by count. */
export const countsSince = (a: GrantCacheCounts, b: GrantCacheCounts): GrantCacheCounts => ({
  hit: a.hit - b.hit,
  miss: a.miss - b.miss,
  bypass: a.bypass - b.bypass,
});
