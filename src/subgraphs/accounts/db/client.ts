import { resolve } from 'node:path';
import { applyMigrations, createAdapter, providerOf } from '../../../shared/db/index.ts';
import { PrismaClient } from '../../../generated/accounts/sqlite/client.ts';
import { PrismaClient as PostgresClient } from '../../../generated/accounts/postgresql/client.ts';

/**
 * The only module that touches the accounts store's Prisma client. Both generated clients
 * expose the same API; the SQLite one's type stands for both.
 */
export type AccountsDb = PrismaClient;

export function openAccountsDb(url: string): AccountsDb {
  const adapter = createAdapter(url);
  return providerOf(url) === 'sqlite'
    ? new PrismaClient({ adapter })
    : (new PostgresClient({ adapter }) as unknown as AccountsDb);
}

export const accountsStoreDir = resolve(import.meta.dirname, '../../../../prisma/accounts');

export function migrateAccountsDb(url: string): Promise<string[]> {
  return applyMigrations(url, accountsStoreDir);
}
