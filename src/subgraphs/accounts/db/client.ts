import { resolve } from 'node:path';
import {
  applyMigrations,
  createAdapter,
  providerOf,
  type DatabaseProvider,
} from '../../../shared/db/index.ts';
import { PrismaClient } from '../../../generated/accounts/sqlite/client.ts';
import { PrismaClient as PostgresClient } from '../../../generated/accounts/postgresql/client.ts';

/**
 * The only module that touches the accounts store's Prisma client. Both generated clients
 * expose the same API; the SQLite one's type stands for both.
 */
export type AccountsDb = PrismaClient;

const providers = new WeakMap<object, DatabaseProvider>();

export function openAccountsDb(url: string): AccountsDb {
  const adapter = createAdapter(url);
  const db =
    providerOf(url) === 'sqlite'
      ? new PrismaClient({ adapter })
      : (new PostgresClient({ adapter }) as unknown as AccountsDb);
  providers.set(db, providerOf(url));
  return db;
}

/** Which database a client opened, for the few statements written by hand (bulk.ts). */
export function providerOfDb(db: object): DatabaseProvider {
  const provider = providers.get(db);
  if (!provider) throw new Error('Not an accounts store opened by openAccountsDb');
  return provider;
}

export const accountsStoreDir = resolve(import.meta.dirname, '../../../../prisma/accounts');

export function migrateAccountsDb(url: string): Promise<string[]> {
  return applyMigrations(url, accountsStoreDir);
}
