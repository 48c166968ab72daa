import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { postgresUrl, requirePostgres } from './services.ts';

/** The PostgreSQL server that runs on the machine and in CI. */
export const adminUrl = postgresUrl;

/** True when a server answers; under CI=true a silent server fails the test instead. */
export const postgresAvailable = (): Promise<boolean> => requirePostgres();

/** A fresh, empty database for one test file; drop it when done. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `lg_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
