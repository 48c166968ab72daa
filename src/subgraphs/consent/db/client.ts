import { resolve } from 'node:path';
import { applyMigrations, createAdapter, providerOf } from '../../../shared/db/index.ts';
import { PrismaClient } from '../../../generated/consent/sqlite/client.ts';
import { PrismaClient as PostgresClient } from '../../../generated/consent/postgresql/client.ts';

/**
 * The only module that touches the consent store's Prisma client. Both generated clients
 * expose the same API; the SQLite one's type stands for both.
 */
export type ConsentDb = PrismaClient;

export function openConsentDb(url: string): ConsentDb {
  const adapter = createAdapter(url);
  return providerOf(url) === 'sqlite'
    ? new PrismaClient({ adapter })
    : (new PostgresClient({ adapter }) as unknown as ConsentDb);
}

export const consentStoreDir = resolve(import.meta.dirname, '../../../../prisma/consent');

export function migrateConsentDb(url: string): Promise<string[]> {
  return applyMigrations(url, consentStoreDir);
}
