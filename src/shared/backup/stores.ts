import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { providerOf, sqliteFile } from '../db/index.ts';
import { BackupError } from './manifest.ts';
import { pgReader, sqliteReader, type SqlReader } from './sql.ts';

/**
 * Copies one store consistently while the system keeps writing, and lets `inspect` read the
 * very state that was copied: SQLite through its online backup API (then reading the copy),
 * PostgreSQL through `pg_dump` on a snapshot exported from a repeatable-read transaction in
 * which `inspect` runs.
 */
export async function copyStore<T>(
  url: string,
  file: string,
  inspect: (read: SqlReader, sqlite: boolean) => Promise<T>,
): Promise<T> {
  if (providerOf(url) === 'sqlite') {
    const path = sqliteFile(url);
    if (!existsSync(path)) {
      throw new BackupError(`no store at ${path}: start Ledgergraph once (or set DATA_DIR)`);
    }
    const source = new Database(path, { readonly: true, fileMustExist: true });
    try {
      source.pragma('busy_timeout = 15000');
      await source.backup(file);
    } finally {
      source.close();
    }
    const copy = new Database(file, { readonly: true });
    try {
      return await inspect(sqliteReader(copy), true);
    } finally {
      copy.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect().catch((e: Error) => {
    throw new BackupError(`cannot reach ${redactUrl(url)}: ${e.message}`);
  });
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
    const result = await inspect(pgReader(client), false);
    await pgTool('pg_dump', url, [
      '--format=custom',
      '--no-owner',
      '--no-privileges',
      `--snapshot=${rows[0]!.id}`,
      `--file=${file}`,
    ]);
    await client.query('COMMIT');
    return result;
  } finally {
    await client.end();
  }
}

/** Puts a copied store in place of the store at `url` (which must be empty unless `replace`). */
export async function restoreStore(file: string, url: string, replace: boolean): Promise<void> {
  if (providerOf(url) === 'sqlite') {
    const target = sqliteFile(url);
    if (existsSync(target) && !replace) {
      throw new BackupError(`${target} exists: restore with --force to replace it`);
    }
    // Copy beside the target, then rename: a reader never sees half a file.
    copyFileSync(file, `${target}.restoring`);
    for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
    renameSync(`${target}.restoring`, target);
    return;
  }
  if (!replace && (await hasTables(url))) {
    throw new BackupError(`the database at ${redactUrl(url)} has tables: restore with --force`);
  }
  await pgTool('pg_restore', url, [
    '--clean',
    '--if-exists',
    '--no-owner',
    '--no-privileges',
    '--single-transaction',
    '--exit-on-error',
    file,
  ]);
}

async function hasTables(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT 1 FROM pg_tables WHERE schemaname = current_schema() LIMIT 1',
    );
    return rows.length > 0;
  } finally {
    await client.end();
  }
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/**
 * Runs pg_dump or pg_restore with the connection in libpq's environment variables, so the
 * password never shows in the process list.
 */
function pgTool(tool: 'pg_dump' | 'pg_restore', url: string, args: string[]): Promise<void> {
  const u = new URL(url);
  // Only the connection: without PATH, the tools are looked up in /usr/bin:/bin (Debian's).
  const env: Record<string, string> = {
    PGHOST: decodeURIComponent(u.hostname),
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username),
    PGPASSWORD: decodeURIComponent(u.password),
    PGDATABASE: decodeURIComponent(u.pathname.slice(1)),
  };
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  const dbArg = tool === 'pg_restore' ? [`--dbname=${env.PGDATABASE}`] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(tool, [...dbArg, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()).length > 4000 && child.kill());
    child.on('error', (e) =>
      reject(
        new BackupError(`${tool} could not run (${e.message}): install PostgreSQL's client tools`),
      ),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new BackupError(`${tool} failed (exit ${code}): ${stderr.trim().slice(0, 1000)}`)),
    );
  });
}
