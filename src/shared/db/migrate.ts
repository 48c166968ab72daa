import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { providerOf, sqliteFile } from './url.ts';

/**
 * Applies a store's committed SQL migrations in order, each in its own transaction, and
 * records them with a checksum. A migration that was applied and later edited is an error:
 * history is append-only. Prisma's own `migrate deploy` is not used because it fails with
 * the PostgreSQL adapter at our Prisma version (docs/DECISIONS.md).
 */
export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(storeDir: string, url: string): Migration[] {
  const dir = join(storeDir, 'migrations', providerOf(url));
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

const ledger = `CREATE TABLE IF NOT EXISTS "_ledgergraph_migrations" (
  "name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "appliedAt" TEXT NOT NULL)`;

function pending(migrations: Migration[], applied: Map<string, string>): Migration[] {
  for (const [name, checksum] of applied) {
    const m = migrations.find((x) => x.name === name);
    if (!m) throw new MigrationError(`Applied migration ${name} is missing from the repository`);
    if (m.checksum !== checksum) throw new MigrationError(`Applied migration ${name} was edited`);
  }
  return migrations.filter((m) => !applied.has(m.name));
}

/** Returns the names of the migrations it applied. */
export async function applyMigrations(url: string, storeDir: string): Promise<string[]> {
  const migrations = readMigrations(storeDir, url);
  return providerOf(url) === 'sqlite'
    ? applySqlite(url, migrations)
    : await applyPostgres(url, migrations);
}

function applySqlite(url: string, migrations: Migration[]): string[] {
  const db = new Database(sqliteFile(url));
  try {
    db.pragma('busy_timeout = 15000');
    db.pragma('journal_mode = WAL');
    db.exec(ledger);
    const rows = db.prepare('SELECT name, checksum FROM _ledgergraph_migrations').all() as {
      name: string;
      checksum: string;
    }[];
    const todo = pending(migrations, new Map(rows.map((r) => [r.name, r.checksum])));
    const record = db.prepare('INSERT INTO _ledgergraph_migrations VALUES (?, ?, ?)');
    const applied = db.prepare('SELECT 1 FROM _ledgergraph_migrations WHERE name = ?');
    const done: string[] = [];
    for (const m of todo) {
      db.transaction(() => {
        // Services starting side by side share the audit file: another process may have
        // applied this migration while this one waited for the write lock.
        if (applied.get(m.name)) return;
        done.push(m.name);
        db.exec(m.sql);
        record.run(m.name, m.checksum, new Date().toISOString());
      }).immediate();
    }
    return done;
  } finally {
    db.close();
  }
}

async function applyPostgres(url: string, migrations: Migration[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Replicas starting together must not apply the same migration twice.
    await client.query('SELECT pg_advisory_lock(7370617)');
    await client.query(ledger);
    const { rows } = await client.query<{ name: string; checksum: string }>(
      'SELECT name, checksum FROM "_ledgergraph_migrations"',
    );
    const todo = pending(migrations, new Map(rows.map((r) => [r.name, r.checksum])));
    for (const m of todo) {
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO "_ledgergraph_migrations" VALUES ($1, $2, $3)', [
          m.name,
          m.checksum,
          new Date().toISOString(),
        ]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new MigrationError(`Migration ${m.name} failed: ${(e as Error).message}`);
      }
    }
    return todo.map((m) => m.name);
  } finally {
    await client.query('SELECT pg_advisory_unlock(7370617)').catch(() => undefined);
    await client.end();
  }
}
