import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../log/index.ts';

/**
 * One ioredis connection for one purpose (limits, publishing, subscribing): a subscribed
 * connection can do nothing else, and each purpose wants its own failure behaviour.
 * Reconnects forever with a capped backoff; while Redis is away each caller falls back in
 * its own way (limits per replica, no grant cache), so nothing here may throw at start.
 */
export function redisConnection(
  url: string,
  name: string,
  log: Logger,
  options: RedisOptions = {},
): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    lazyConnect: true,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    ...options,
  });
  // One line per outage, not one per reconnection attempt.
  let down = false;
  redis.on('error', (error: unknown) => {
    if (down) return;
    down = true;
    log.warn('redis unavailable', { connection: name, error });
  });
  redis.on('ready', () => {
    if (down) log.info('redis available again', { connection: name });
    down = false;
  });
  redis.connect().catch(() => undefined);
  return redis;
}

/** Closes politely when connected, at once otherwise (QUIT would wait for a reconnection). */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => undefined);
  redis.disconnect();
}
