import { systemClock } from '../shared/clock.ts';
import type { Config } from '../shared/config/index.ts';
import { createSignalPublisher } from '../shared/signals/index.ts';
import { openConsentDb } from '../subgraphs/consent/db/client.ts';
import { SigningKeyService } from '../subgraphs/consent/services/signing-keys.service.ts';

export async function keys(config: Config, args: string[]): Promise<number> {
  if (args[0] !== 'rotate') {
    console.error('usage: keys rotate');
    return 2;
  }
  const db = openConsentDb(config.databases.consent);
  // Gateway replicas sharing a Redis refetch the JWKS at once instead of on their next miss.
  const signals = config.redis.url
    ? createSignalPublisher(config.redis.url, { prefix: config.redis.keyPrefix })
    : undefined;
  try {
    const { kid, activatesAt } = await new SigningKeyService(
      db,
      systemClock,
      {
        alg: config.tokens.alg,
        tokenTtlSeconds: config.tokens.ttlSeconds,
        rotationLeadSeconds: config.tokens.rotationLeadSeconds,
      },
      signals?.keysRotated,
    ).rotate();
    console.log(
      `new signing key ${kid}: in the JWKS now, signing from ${activatesAt.toISOString()}`,
    );
    return 0;
  } finally {
    await signals?.close();
    await db.$disconnect();
  }
}
