import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';

export type DatabaseProvider = 'sqlite' | 'postgresql';

/** SQLite for `file:` URLs (the embedded default), PostgreSQL for `postgres(ql)://`. */
export function providerOf(url: string): DatabaseProvider {
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  throw new Error('Unsupported database URL: expected file: or postgresql://');
}

/** The SQLite file behind a `file:` URL, with its folder created. */
export function sqliteFile(url: string): string {
  const path = url.slice('file:'.length).split('?')[0] ?? '';
  if (path === ':memory:') return path;
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true });
  return file;
}

export function createAdapter(url: string): PrismaBetterSqlite3 | PrismaPg {
  return providerOf(url) === 'sqlite'
    ? new PrismaBetterSqlite3({ url: sqliteFile(url) })
    : new PrismaPg({ connectionString: url });
}
