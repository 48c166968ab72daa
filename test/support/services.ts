import { Socket } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * Whether the servers tests talk to answer. One rule for every test: under `CI=true` a
 * missing server is a failure (CI starts them, so silence would hide a broken pipeline);
 * elsewhere the test skips and says so.
 */

export type Service = 'postgres' | 'redis' | 'nats';

export const postgresUrl =
  process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const redisUrl = 'redis://127.0.0.1:6379';
export const natsUrl = 'nats://127.0.0.1:4222';

export const inCi = process.env.CI === 'true' || process.env.CI === '1';

const defaultUrls: Record<Service, string> = {
  postgres: postgresUrl,
  redis: redisUrl,
  nats: natsUrl,
};

const probeTimeoutMs = 2000;

/** Speaks each server's own protocol, so a port held by something else does not count. */
const probes: Record<Service, (url: string) => Promise<void>> = {
  async postgres(url) {
    const client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: probeTimeoutMs,
    });
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => undefined);
    }
  },
  async redis(url) {
    const client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: probeTimeoutMs,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: false,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) !== 'PONG') throw new Error('PING did not answer PONG');
    } finally {
      client.disconnect();
    }
  },
  nats: (url) => natsInfo(url),
};

/** A NATS server greets every connection with an `INFO {...}` line. */
function natsInfo(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let seen = '';
    const done = (error?: Error) => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(probeTimeoutMs, () => done(new Error('no greeting in time')));
    socket.on('error', done);
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      if (seen.includes('\r\n')) {
        done(seen.startsWith('INFO ') ? undefined : new Error('not a NATS greeting'));
      }
    });
    socket.on('close', () => done(new Error('closed before the greeting')));
    socket.connect(Number(port || 4222), hostname);
  });
}

export interface AvailabilityOptions {
  /** Where to look; the machine's and CI's server by default. */
  url?: string;
  /** Whether a missing server fails instead of skipping; `CI=true` by default. */
  ci?: boolean;
}

const cache = new Map<string, Promise<boolean>>();

/**
 * True when the server answers. When it does not: throws under CI, otherwise prints that
 * the tests are skipped and returns false. Call it in a `describe` (async) or `beforeAll`
 * and pass the result to `it.skipIf(!available)`.
 */
export function serviceAvailable(
  service: Service,
  { url = defaultUrls[service], ci = inCi }: AvailabilityOptions = {},
): Promise<boolean> {
  const key = `${service} ${url} ${ci}`;
  let answer = cache.get(key);
  if (!answer) {
    answer = probes[service](url).then(
      () => true,
      (cause: unknown) => {
        const why = cause instanceof Error ? cause.message : String(cause);
        if (ci) {
          throw new Error(
            `CI=true and ${service} does not answer at ${url} (${why}): ` +
              `its tests fail rather than skip; start the server (.ci/run does)`,
            { cause },
          );
        }
        console.warn(`${service} not reachable at ${url} (${why}): its tests are SKIPPED`);
        return false;
      },
    );
    cache.set(key, answer);
  }
  return answer;
}

export const requirePostgres = (options?: AvailabilityOptions) =>
  serviceAvailable('postgres', options);
export const requireRedis = (options?: AvailabilityOptions) => serviceAvailable('redis', options);
export const requireNats = (options?: AvailabilityOptions) => serviceAvailable('nats', options);
