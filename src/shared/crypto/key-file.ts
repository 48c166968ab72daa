import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The embedded default's key for one service's sealed values: generated once into the data
 * folder (owner-only), so restarts can still open what earlier runs sealed. Anywhere real, the
 * service's *_ENCRYPTION_KEY comes from a secret store instead.
 */
export function keyFromFile(file: string): string {
  mkdirSync(dirname(file), { recursive: true });
  try {
    // wx: two processes starting together must not each write a different key.
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return readFileSync(file, 'utf8').trim();
}
