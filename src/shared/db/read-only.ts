import { resolve } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { providerOf } from './url.ts';

/**
 * A driver adapter that cannot write: for commands that only read a store (audit verify)
 * and must leave it exactly as found, even when pointed at the wrong database. SQLite opens
 * the file read-only and refuses a missing one (instead of creating it); PostgreSQL makes
 * every transaction of the session read-only.
 */
export function createReadOnlyAdapter(url: string): PrismaBetterSqlite3 | PrismaPg {
  if (providerOf(url) === 'postgresql') {
    return new PrismaPg({
      connectionString: url,
      options: '-c default_transaction_read_only=on',
    });
  }
  const path = url.slice('file:'.length).split('?')[0] ?? '';
  return new PrismaBetterSqlite3({ url: resolve(path), readonly: true, fileMustExist: true });
}
