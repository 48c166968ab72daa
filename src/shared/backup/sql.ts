import Database from 'better-sqlite3';
import pg from 'pg';

/** Read-only SQL over one consistent view of a store: a SQLite copy or a PostgreSQL snapshot. */
export type SqlReader = (sql: string) => Promise<Record<string, unknown>[]>;

export function sqliteReader(db: Database.Database): SqlReader {
  return async (sql) => db.prepare(sql).all() as Record<string, unknown>[];
}

export function pgReader(client: pg.ClientBase): SqlReader {
  return async (sql) => (await client.query(sql)).rows as Record<string, unknown>[];
}

/** Table names are Prisma's model names, quoted the same way on both providers. */
export async function tableExists(
  read: SqlReader,
  table: string,
  sqlite: boolean,
): Promise<boolean> {
  const rows = sqlite
    ? await read(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = '${table}'`)
    : await read(
        `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename = '${table}'`,
      );
  return rows.length > 0;
}

export async function appliedMigrations(read: SqlReader, sqlite: boolean): Promise<string[]> {
  if (!(await tableExists(read, '_ledgergraph_migrations', sqlite))) return [];
  const rows = await read('SELECT "name" FROM "_ledgergraph_migrations" ORDER BY "name"');
  return rows.map((r) => String(r.name));
}
