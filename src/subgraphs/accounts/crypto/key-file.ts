import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded default's connection encryption key: generated once into the data folder
 * (owner-only), so restarts can still open what earlier runs sealed. Set
 * CONNECTION_ENCRYPTION_KEY anywhere real, from a secret store.
 */
export function connectionKeyFromFile(dataDir: string): string {
  const file = join(dataDir, 'connection-encryption.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64');
  writeFileSync(file, key, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}
