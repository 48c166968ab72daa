import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CredentialThrottle,
  CredentialThrottled,
  type CredentialAttempt,
} from '../../src/shared/throttle/index.ts';
import { redisUrl, requireRedis } from '../support/services.ts';

/**
 * Consent replicas share sign-in counters and lockouts through Redis, so a guesser gains
 * nothing by spreading attempts over them. Each "replica" is what one consent process
 * builds: its own Redis connection and throttle, on one key prefix.
 */
describe('credential throttling shared by consent replicas (Redis)', async () => {
  const available = await requireRedis();
  const prefix = `test:${randomUUID()}`;
  const connections: Redis[] = [];
  const replica = () => {
    const redis = new Redis(redisUrl, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
    connections.push(redis);
    return new CredentialThrottle({
      kind: 'psu_password',
      maxFailures: 5,
      lockoutSeconds: 600,
      maxFailuresPerAddress: 100,
      maxFailuresPerIdentity: 100,
      redis,
      keyPrefix: prefix,
    });
  };

  afterAll(async () => {
    if (!available) return;
    const redis = connections[0]!;
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await Promise.all(connections.map((c) => c.quit()));
  });

  const refusal = (p: Promise<CredentialAttempt>) =>
    p.then(
      () => undefined,
      (e: unknown) => {
        if (e instanceof CredentialThrottled) return e;
        throw e;
      },
    );

  it.skipIf(!available)(
    'failures on alternate replicas add up: one replica delays and locks out what the other saw',
    async () => {
      const [a, b] = [replica(), replica()];
      // Until its connection is ready a replica counts in memory alone (rejectIfRedisNotReady).
      await Promise.all(connections.map((c) => c.ping()));
      const fail = async (t: CredentialThrottle) =>
        (await t.begin('alice', '198.51.100.7')).failed();
      for (const t of [a, b, a]) expect(await fail(t)).toEqual([]);
      // The 4th failure, on b, starts a 1 s delay that a enforces.
      expect(await fail(b)).toEqual([]);
      const delayed = await refusal(a.begin('alice', '198.51.100.7'));
      expect(delayed).toMatchObject({ retryAfterSeconds: 1, lockedOut: false });
      await new Promise((r) => setTimeout(r, 1_100));
      expect(await fail(a)).toEqual([{ scope: 'identity-address', seconds: 600, failures: 5 }]);
      const locked = await refusal(b.begin('alice', '198.51.100.7'));
      expect(locked?.lockedOut).toBe(true);
      expect(locked?.retryAfterSeconds).toBeGreaterThan(590);
      // The same identity from another address is not locked; a success there is counted.
      await (await b.begin('alice', '198.51.100.8')).succeeded();
    },
    30_000,
  );
});
