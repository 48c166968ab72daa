/**
 * Backups are worth only the restores that were rehearsed: a backup taken while the system
 * serves, a drill that proves it (and fails on a damaged or rewritten one), and a restore
 * into a new installation that serves the same data to the same client.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { backupCommand, backupNow, scheduleBackups, storesOf } from '../../src/commands/backup.ts';
import {
  drillBackup,
  finishedBackups,
  latestBackup,
  readManifest,
  restoreBackup,
} from '../../src/shared/backup/index.ts';
import { sha256File, writeManifest } from '../../src/shared/backup/manifest.ts';
import { loadConfig } from '../../src/shared/config/index.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { requirePostgres } from '../support/services.ts';
import { expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';

const READ = `{ accounts { id balances { type amount } transactions(first: 50) { edges { node { id amount } } } } }`;

async function readAll(t: TestSystem, token: string) {
  const res = await t.execute(token, READ);
  expectNoErrors(res);
  return res.data;
}

/** Reads in a loop until stopped: the backup must be consistent while the system works. */
function keepServing(t: TestSystem, token: string) {
  let running = true;
  let served = 0;
  const loop = (async () => {
    while (running) {
      await readAll(t, token);
      served++;
    }
  })();
  return async () => {
    running = false;
    await loop;
    return served;
  };
}

const temp = (name: string) => mkdtempSync(join(tmpdir(), `ledgergraph-${name}-`));

function copyBackup(dir: string): string {
  const copy = join(temp('backup-copy'), 'backup');
  cpSync(dir, copy, { recursive: true });
  return copy;
}

/** A careful attacker who edits a store also fixes its hash in the manifest. */
async function rehash(dir: string, store: string) {
  const m = readManifest(dir);
  const entry = m.stores.find((s) => s.name === store)!;
  entry.sha256 = await sha256File(join(dir, entry.file));
  writeManifest(dir, m);
}

describe('backup, drill and restore on SQLite', () => {
  const dataDir = temp('backup-data');
  const root = temp('backups');
  const restoredDir = temp('restored-data');
  let t: TestSystem | undefined;
  let restored: TestSystem | undefined;

  afterAll(async () => {
    await t?.stop();
    await restored?.stop();
    for (const d of [dataDir, root, restoredDir]) rmSync(d, { recursive: true, force: true });
  });

  it('a backup taken while serving passes the drill, and a restore serves the same data', async () => {
    t = await startTestSystem({ DATA_DIR: dataDir, SANDBOX_TRANSACTIONS_PER_ACCOUNT: '20' });
    const consent = await t.authorisedConsent({
      permissions: [
        'ReadAccountsBasic',
        'ReadBalances',
        'ReadTransactionsBasic',
        'ReadTransactionsCredits',
        'ReadTransactionsDebits',
      ],
    });
    const before = await readAll(t, consent.token);
    const stop = keepServing(t, consent.token);
    const { dir, manifest } = await backupNow(t.config, root);
    expect(await stop()).toBeGreaterThan(0);

    expect(manifest.stores.map((s) => s.name)).toEqual([
      'consent',
      'accounts',
      'payments',
      'audit',
    ]);
    expect(manifest.accountFigures!.length).toBeGreaterThan(0);
    expect(manifest.accountFigures!.some((f) => f.bookedCount > 0)).toBe(true);
    expect(manifest.files.map((f) => f.path)).toContain('internal-context.secret');
    expect(BigInt(manifest.auditCheckpoint!.seq)).toBeGreaterThan(0n);

    expect(latestBackup(root)).toBe(dir);
    const report = await drillBackup(dir, { stores: storesOf(t.config) });
    expect(report.steps.filter((s) => !s.ok)).toEqual([]);
    expect(report.steps.map((s) => s.step)).toEqual([
      'integrity',
      'restore consent',
      'restore accounts',
      'restore payments',
      'restore audit',
      'audit chain',
      'account figures',
    ]);
    expect(report.ok).toBe(true);

    // Restore into a new installation, as after losing the machine.
    await t.stop();
    t = undefined;
    const config = loadConfig({ DATA_DIR: restoredDir });
    await restoreBackup(dir, { stores: storesOf(config), dataDir: restoredDir, force: false });
    await expect(
      restoreBackup(dir, { stores: storesOf(config), dataDir: restoredDir, force: false }),
    ).rejects.toThrow(/--force/);
    restored = await startTestSystem({
      DATA_DIR: restoredDir,
      SANDBOX_TRANSACTIONS_PER_ACCOUNT: '20',
    });
    // The client's token from before still works: the signing keys came back with the store.
    expect(await readAll(restored, consent.token)).toEqual(before);
  });

  it('the drill fails on a damaged backup and on a rewritten audit chain or account', async () => {
    const dir = latestBackup(root);
    const stores = storesOf(loadConfig({ DATA_DIR: restoredDir }));
    const failedStep = async (backup: string) => {
      const report = await drillBackup(backup, { stores });
      expect(report.ok).toBe(false);
      return report.steps.find((s) => !s.ok)!;
    };

    const damaged = copyBackup(dir);
    const bytes = new Database(join(damaged, 'accounts.db'));
    bytes.prepare('UPDATE "Account" SET "nickname" = \'x\'').run();
    bytes.close();
    expect((await failedStep(damaged)).step).toBe('integrity');

    const rewritten = copyBackup(dir);
    const audit = new Database(join(rewritten, 'audit.db'));
    // Someone hides who read what: the first batch now names another PSU.
    audit.prepare('UPDATE "AuditBatch" SET "psuId" = \'mallory\' WHERE "seq" = 1').run();
    audit.close();
    await rehash(rewritten, 'audit');
    const chain = await failedStep(rewritten);
    expect(chain.step).toBe('audit chain');
    expect(chain.detail).toMatch(/broken/);

    const moved = copyBackup(dir);
    const accounts = new Database(join(moved, 'accounts.db'));
    accounts
      .prepare(
        'UPDATE "Transaction" SET "amount" = \'999999.00\' WHERE "status" = \'Booked\' AND rowid = (SELECT min(rowid) FROM "Transaction" WHERE "status" = \'Booked\')',
      )
      .run();
    accounts.close();
    await rehash(moved, 'accounts');
    const figures = await failedStep(moved);
    expect(figures.step).toBe('account figures');
    expect(figures.detail).toMatch(/1 of \d+ accounts differ/);
  });

  it('the running system backs up on a schedule and keeps the newest few', async () => {
    const scheduled = temp('scheduled-backups');
    const stop = new AbortController();
    const made: string[] = [];
    await scheduleBackups(restored!.config, scheduled, {
      everyMs: 50,
      keep: 2,
      signal: stop.signal,
      onBackup: ({ dir }) => made.push(dir) === 4 && stop.abort(),
      onError: (e) => {
        throw e;
      },
    });
    expect(made).toHaveLength(4);
    expect(finishedBackups(scheduled)).toEqual(made.slice(-2));
    const report = await drillBackup(latestBackup(scheduled), {
      stores: storesOf(restored!.config),
    });
    expect(report.ok).toBe(true);
    rmSync(scheduled, { recursive: true, force: true });
  });

  it('the commands answer usage mistakes with exit 2 and a missing backup with exit 1', async () => {
    const config = loadConfig({ DATA_DIR: restoredDir });
    expect(await backupCommand('backup')(config, [])).toBe(2);
    expect(await backupCommand('restore')(config, ['--nope', 'x'])).toBe(2);
    expect(await backupCommand('drill')(config, [join(root, 'none')])).toBe(1);
    expect(await backupCommand('backup')(config, [root, '--every', 'soon'])).toBe(2);
    // Nothing to back up yet: a clear refusal, and no half-made folder left behind.
    const empty = temp('never-started');
    const nowhere = temp('backups-of-nothing');
    expect(await backupCommand('backup')(loadConfig({ DATA_DIR: empty }), [nowhere])).toBe(1);
    expect(readdirSync(nowhere)).toEqual([]);
    for (const d of [empty, nowhere]) rmSync(d, { recursive: true, force: true });
  });
});

describe('backup, drill and restore on PostgreSQL', () => {
  const root = temp('pg-backups');
  const dataDir = temp('pg-data');
  const restoredDir = temp('pg-restored');
  const drops: (() => Promise<void>)[] = [];
  let t: TestSystem | undefined;
  let restored: TestSystem | undefined;

  afterAll(async () => {
    await t?.stop();
    await restored?.stop();
    for (const drop of drops) await drop();
    for (const d of [root, dataDir, restoredDir]) rmSync(d, { recursive: true, force: true });
  });

  async function databases() {
    const env: Record<string, string> = {};
    for (const name of ['CONSENT', 'ACCOUNTS', 'PAYMENTS', 'AUDIT']) {
      const db = await createTestDatabase();
      drops.push(db.drop);
      env[`${name}_DATABASE_URL`] = db.url;
    }
    return env;
  }

  it(
    'pg_dump on a snapshot while serving, a drill in scratch databases, a restore that serves',
    { timeout: 120_000 },
    async (ctx) => {
      if (!(await requirePostgres())) return ctx.skip();
      t = await startTestSystem({
        DATA_DIR: dataDir,
        SANDBOX_TRANSACTIONS_PER_ACCOUNT: '20',
        ...(await databases()),
      });
      const consent = await t.authorisedConsent({
        permissions: [
          'ReadAccountsBasic',
          'ReadBalances',
          'ReadTransactionsBasic',
          'ReadTransactionsCredits',
          'ReadTransactionsDebits',
        ],
      });
      const before = await readAll(t, consent.token);
      const stop = keepServing(t, consent.token);
      const { dir, manifest } = await backupNow(t.config, root);
      expect(await stop()).toBeGreaterThan(0);
      expect(manifest.stores.every((s) => s.provider === 'postgresql')).toBe(true);

      const report = await drillBackup(dir, { stores: storesOf(t.config) });
      expect(report.steps.filter((s) => !s.ok)).toEqual([]);
      expect(report.steps.at(-1)!.step).toBe('account figures');

      await t.stop();
      t = undefined;
      const env = { DATA_DIR: restoredDir, ...(await databases()) };
      await restoreBackup(dir, {
        stores: storesOf(loadConfig(env)),
        dataDir: restoredDir,
        force: false,
      });
      restored = await startTestSystem({ ...env, SANDBOX_TRANSACTIONS_PER_ACCOUNT: '20' });
      expect(await readAll(restored, consent.token)).toEqual(before);
    },
  );
});
