import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditStoreDir } from '../../src/shared/audit/db.ts';
import { AuditStore, migrateAuditDb } from '../../src/shared/audit/index.ts';
import { applyMigrations } from '../../src/shared/db/index.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';
import { makeBatch } from './support/batches.ts';

const root = resolve(import.meta.dirname, '../..');
/** Each CLI run starts tsx, which takes seconds on a loaded machine. */
const cliTimeout = 180_000;

/** `tsx src/cli.ts audit verify` against `url`, as an operator runs it. */
const verify = (url: string, dataDir: string) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      join(root, 'node_modules/.bin/tsx'),
      [join(root, 'src/cli.ts'), 'audit', 'verify'],
      { cwd: dataDir, env: { PATH: process.env.PATH, DATA_DIR: dataDir, AUDIT_DATABASE_URL: url } },
      (error, stdout, stderr) =>
        done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

const fileOf = (store: TestStore) => store.url.slice('file:'.length);

/** A query through the database's own driver, read-only, bypassing the code under test. */
async function rows(store: TestStore, sql: string): Promise<unknown[]> {
  if (store.provider === 'sqlite') {
    const db = new Database(fileOf(store), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all();
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: store.url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

const ledgerOf = (store: TestStore) =>
  rows(store, 'SELECT "name", "checksum", "appliedAt" FROM "_ledgergraph_migrations" ORDER BY 1');

const tablesOf = (store: TestStore) =>
  rows(
    store,
    store.provider === 'sqlite'
      ? 'SELECT name FROM sqlite_master'
      : `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
  );

/** Everything a write would change: the ledger, the chain, and a SQLite file's bytes. */
async function snapshot(store: TestStore) {
  const state = {
    ledger: await ledgerOf(store),
    chain: await rows(store, 'SELECT "seq", "hash" FROM "AuditBatch" ORDER BY 1'),
    head: await rows(store, 'SELECT "seq", "hash" FROM "AuditHead"'),
  };
  if (store.provider !== 'sqlite') return state;
  const bytes = createHash('sha256')
    .update(readFileSync(fileOf(store)))
    .digest('hex');
  return { ...state, bytes, mtime: statSync(fileOf(store)).mtimeMs };
}

for (const kind of storeKinds) {
  describe(`audit verify is read-only on ${kind.provider}`, async () => {
    const available = await kind.available();
    if (!available) console.warn(`SKIPPED: audit verify read-only on ${kind.provider} (no server)`);
    let migrated: TestStore;
    let behind: TestStore;
    let empty: TestStore;
    let dataDir: string;

    beforeAll(async () => {
      if (!available) return;
      dataDir = mkdtempSync(join(tmpdir(), 'lg-verify-ro-'));
      migrated = await kind.create();
      behind = await kind.create();
      empty = await kind.create();
      await migrateAuditDb(migrated.url);
      const store = AuditStore.open(migrated.url);
      for (let i = 0; i < 3; i++) await store.append(makeBatch());
      await store.close();
      // A store one release old: every audit migration but the newest applied.
      const old = join(dataDir, 'prisma-audit-old');
      cpSync(auditStoreDir, old, { recursive: true });
      const dir = join(old, 'migrations', kind.provider);
      rmSync(join(dir, readdirSync(dir).sort().at(-1)!));
      await applyMigrations(behind.url, old);
      if (kind.provider === 'sqlite') {
        writeFileSync(fileOf(empty), '');
        // As root (CI) this stops nothing, which is why the tests compare bytes too.
        chmodSync(fileOf(migrated), 0o444);
      }
    });
    afterAll(async () => {
      if (!available) return;
      await migrated.drop();
      await behind.drop();
      await empty.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it.skipIf(!available)(
      'verifies a chain and leaves the store exactly as it was',
      async () => {
        const before = await snapshot(migrated);
        const result = await verify(migrated.url, dataDir);
        expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/OK: 3 batches/) });
        expect(await snapshot(migrated)).toEqual(before);
      },
      cliTimeout,
    );

    it.skipIf(!available)('opens a connection that refuses writes', async () => {
      const before = await snapshot(migrated);
      const store = await AuditStore.openReadOnly(migrated.url);
      try {
        await expect(store.db.$executeRawUnsafe(`DELETE FROM "AuditBatch"`)).rejects.toThrow(
          /read-only|readonly/i,
        );
        await expect(store.append(makeBatch())).rejects.toThrow(/read-only/);
      } finally {
        await store.close();
      }
      expect(await snapshot(migrated)).toEqual(before);
    });

    it.skipIf(!available)(
      'reports a store with a pending migration and does not apply it',
      async () => {
        const before = await snapshot(behind);
        const result = await verify(behind.url, dataDir);
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/cannot be verified: .*not fully migrated: \S+ pending/);
        expect(await snapshot(behind)).toEqual(before);
      },
      cliTimeout,
    );

    it.skipIf(!available)(
      'reports an un-migrated store as an error and creates no tables',
      async () => {
        const result = await verify(empty.url, dataDir);
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/cannot be verified: The audit store is not migrated/);
        expect(await tablesOf(empty)).toEqual([]);
        if (kind.provider === 'sqlite') {
          expect(statSync(fileOf(empty)).size).toBe(0);
          const missing = join(dataDir, 'nowhere', 'audit.db');
          expect((await verify(`file:${missing}`, dataDir)).code).toBe(1);
          expect(existsSync(join(dataDir, 'nowhere'))).toBe(false);
        }
      },
      cliTimeout,
    );
  });
}
