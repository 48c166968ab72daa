import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The machine's PostgreSQL (as the tests use it); BENCH_POSTGRES_URL points elsewhere. */
export const adminUrl =
  process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export async function postgresAvailable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** Throwaway databases, one per store, named lg_bench_*; drop() removes them all. */
export async function createDatabases(names: string[]) {
  const suffix = randomBytes(4).toString('hex');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const made: string[] = [];
  try {
    for (const n of names) {
      const db = `lg_bench_${n}_${suffix}`;
      await admin.query(`CREATE DATABASE ${db}`);
      made.push(db);
    }
  } finally {
    await admin.end();
  }
  const urlOf = (db: string) => {
    const u = new URL(adminUrl);
    u.pathname = `/${db}`;
    return u.toString();
  };
  return {
    urls: Object.fromEntries(names.map((n, i) => [n, urlOf(made[i]!)])),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      for (const db of made) await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await c.end();
    },
  };
}
