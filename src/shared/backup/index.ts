import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  checkpointMismatch,
  checkpointSignatureValid,
  genesisHash,
  loadCheckpointKey,
  loadPublicKey,
  openAuditDb,
  signCheckpoint,
  verifyChain,
  type Checkpoint,
} from '../audit/index.ts';
import { applyMigrations, providerOf } from '../db/index.ts';
import {
  BackupError,
  readManifest,
  sha256File,
  writeManifest,
  type AccountFigures,
  type BackupManifest,
  type FileEntry,
  type StoreEntry,
} from './manifest.ts';
import { appliedMigrations, tableExists, type SqlReader } from './sql.ts';
import { copyStore, redactUrl, restoreStore } from './stores.ts';

export {
  BackupError,
  finishedBackups,
  latestBackup,
  readManifest,
  type BackupManifest,
} from './manifest.ts';
export type { SqlReader } from './sql.ts';

export interface StoreSpec {
  name: string;
  url: string;
  /** The store's migrations folder (prisma/<name>). */
  migrationsDir: string;
  /** The audit store: its head is signed into the manifest and verified by the drill. */
  audit?: boolean;
  /** Figures recorded from this store's snapshot and recomputed by the drill. */
  figures?: (read: SqlReader) => Promise<AccountFigures[]>;
}

export interface BackupOptions {
  stores: StoreSpec[];
  dataDir: string;
  /** Files and folders of DATA_DIR that belong in a backup (keys, secrets, audit archives). */
  dataFiles: string[];
  checkpointKeyFile: string;
  now?: () => Date;
}

/** Takes a consistent online backup into a new folder under `root`; returns that folder. */
export async function takeBackup(
  root: string,
  o: BackupOptions,
): Promise<{ dir: string; manifest: BackupManifest }> {
  const started = Date.now();
  const at = (o.now ?? (() => new Date()))();
  const dir = join(root, at.toISOString().replace(/[:.]/g, '-'));
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true, mode: 0o700 });
  try {
    const manifest = await copyEverything(partial, at, started, o);
    writeManifest(partial, manifest);
    renameSync(partial, dir);
    return { dir, manifest };
  } catch (e) {
    // A half-written folder is never taken for a backup, but it need not linger either.
    rmSync(partial, { recursive: true, force: true });
    throw e;
  }
}

async function copyEverything(
  partial: string,
  at: Date,
  started: number,
  o: BackupOptions,
): Promise<BackupManifest> {
  const stores: StoreEntry[] = [];
  let auditCheckpoint: Checkpoint | null = null;
  let accountFigures: AccountFigures[] | null = null;
  for (const s of o.stores) {
    const provider = providerOf(s.url);
    const file = `${s.name}.${provider === 'sqlite' ? 'db' : 'pgdump'}`;
    const facts = await copyStore(s.url, join(partial, file), async (read, sqlite) => ({
      migrations: await appliedMigrations(read, sqlite),
      head: s.audit ? await auditHead(read, sqlite) : null,
      figures:
        s.figures && (await tableExists(read, 'Account', sqlite)) ? await s.figures(read) : null,
    }));
    if (facts.head) {
      auditCheckpoint = signCheckpoint(
        facts.head,
        loadCheckpointKey(o.checkpointKeyFile).privateKey,
        at,
      );
    }
    if (facts.figures) accountFigures = facts.figures;
    const path = join(partial, file);
    stores.push({
      name: s.name,
      provider,
      file,
      sha256: await sha256File(path),
      bytes: statSync(path).size,
      migrations: facts.migrations,
    });
  }
  const files: FileEntry[] = [];
  for (const name of o.dataFiles) {
    const from = join(o.dataDir, name);
    if (!existsSync(from)) continue;
    cpSync(from, join(partial, 'files', name), { recursive: true });
    for (const f of listFiles(join(partial, 'files'), name)) {
      files.push({ path: f, sha256: await sha256File(join(partial, 'files', f)) });
    }
  }
  return {
    format: 'ledgergraph-backup/1',
    createdAt: at.toISOString(),
    stores,
    files,
    auditCheckpoint,
    accountFigures,
    tookMs: Date.now() - started,
  };
}

async function auditHead(read: SqlReader, sqlite: boolean) {
  if (!(await tableExists(read, 'AuditHead', sqlite))) return { seq: 0n, hash: genesisHash };
  const [row] = await read('SELECT "seq", "hash" FROM "AuditHead" WHERE "id" = 1');
  return row
    ? { seq: BigInt(String(row.seq)), hash: String(row.hash) }
    : { seq: 0n, hash: genesisHash };
}

function listFiles(base: string, rel: string): string[] {
  const path = join(base, rel);
  if (!statSync(path).isDirectory()) return [rel];
  return readdirSync(path).flatMap((name) => listFiles(base, join(rel, name)));
}

/** Every copied file still has the hash the manifest recorded. */
export async function checkIntegrity(dir: string, m: BackupManifest): Promise<void> {
  for (const s of m.stores) {
    if ((await sha256File(join(dir, s.file))) !== s.sha256) {
      throw new BackupError(`${s.file} does not match its recorded hash: the backup is damaged`);
    }
  }
  for (const f of m.files) {
    if ((await sha256File(join(dir, 'files', f.path))) !== f.sha256) {
      throw new BackupError(
        `files/${f.path} does not match its recorded hash: the backup is damaged`,
      );
    }
  }
}

export interface RestoreOptions {
  stores: StoreSpec[];
  dataDir: string;
  /** Replace stores and files that exist. */
  force: boolean;
}

/** Brings a backup back into the configured stores and DATA_DIR. */
export async function restoreBackup(dir: string, o: RestoreOptions): Promise<BackupManifest> {
  const m = readManifest(dir);
  await checkIntegrity(dir, m);
  for (const entry of m.stores) {
    const target = o.stores.find((s) => s.name === entry.name);
    if (!target) throw new BackupError(`no configured store named ${entry.name}`);
    if (providerOf(target.url) !== entry.provider) {
      throw new BackupError(
        `${entry.name} was backed up from ${entry.provider}, the configured store is ${providerOf(target.url)}`,
      );
    }
  }
  for (const f of m.files) {
    const to = join(o.dataDir, f.path);
    if (existsSync(to) && !o.force && (await sha256File(to)) !== f.sha256) {
      throw new BackupError(`${to} exists and differs: restore with --force to replace it`);
    }
  }
  for (const entry of m.stores) {
    const target = o.stores.find((s) => s.name === entry.name)!;
    await restoreStore(join(dir, entry.file), target.url, o.force);
  }
  for (const f of m.files) {
    const to = join(o.dataDir, f.path);
    mkdirSync(join(to, '..'), { recursive: true });
    copyFileSync(join(dir, 'files', f.path), to);
  }
  return m;
}

export interface DrillOptions {
  /** The configured stores: where PostgreSQL scratch databases are created, and migrations. */
  stores: StoreSpec[];
  /** Checkpoint public key kept outside the backup; without it, the backup's own is used. */
  publicKeyFile?: string;
  scratchDir?: string;
}

export interface DrillReport {
  backup: string;
  createdAt: string;
  steps: { step: string; ok: boolean; detail: string; ms: number }[];
  ok: boolean;
  recoverMs: number;
}

/**
 * Restores a backup into scratch stores and proves it usable: hashes, migrations up to this
 * code's, the audit chain against the signed checkpoint, and every account's figures
 * recomputed. Nothing of the running installation is touched.
 */
export async function drillBackup(dir: string, o: DrillOptions): Promise<DrillReport> {
  const started = Date.now();
  const report: DrillReport = { backup: dir, createdAt: '', steps: [], ok: true, recoverMs: 0 };
  const step = async (name: string, fn: () => Promise<string>) => {
    const t = Date.now();
    try {
      report.steps.push({ step: name, ok: true, detail: await fn(), ms: Date.now() - t });
      return true;
    } catch (e) {
      report.ok = false;
      report.steps.push({
        step: name,
        ok: false,
        detail: (e as Error).message,
        ms: Date.now() - t,
      });
      return false;
    }
  };
  const scratch = mkdtempSync(join(o.scratchDir ?? tmpdir(), 'ledgergraph-drill-'));
  const created: { admin: string; name: string }[] = [];
  const urls = new Map<string, string>();
  try {
    const m = readManifest(dir);
    report.createdAt = m.createdAt;
    if (
      !(await step('integrity', async () => {
        await checkIntegrity(dir, m);
        return `${m.stores.length} stores, ${m.files.length} files match their hashes`;
      }))
    )
      return report;
    for (const entry of m.stores) {
      const spec = o.stores.find((s) => s.name === entry.name);
      const ok = await step(`restore ${entry.name}`, async () => {
        if (!spec) throw new BackupError(`no configured store named ${entry.name}`);
        const url =
          entry.provider === 'sqlite'
            ? `file:${join(scratch, `${entry.name}.db`)}`
            : await scratchDatabase(spec.url, entry.name, created);
        await restoreStore(join(dir, entry.file), url, true);
        urls.set(entry.name, url);
        const applied = await applyMigrations(url, spec.migrationsDir);
        return (
          `${entry.provider} (${entry.bytes} bytes), ${entry.migrations.length} migrations in backup` +
          (applied.length ? `, ${applied.length} newer applied cleanly` : ', schema current')
        );
      });
      if (!ok) return report;
    }
    const auditSpec = o.stores.find((s) => s.audit);
    const auditUrl = auditSpec && urls.get(auditSpec.name);
    if (auditUrl) {
      await step('audit chain', async () => {
        const db = openAuditDb(auditUrl);
        try {
          const result = await verifyChain(db);
          if (!result.ok)
            throw new BackupError(`chain broken at batch ${result.seq}: ${result.reason}`);
          const c = m.auditCheckpoint;
          if (!c) throw new BackupError('the backup holds no signed checkpoint');
          const keyFile = o.publicKeyFile ?? join(dir, 'files', 'audit-checkpoint.key.pub');
          if (!existsSync(keyFile)) throw new BackupError(`no checkpoint public key at ${keyFile}`);
          if (!checkpointSignatureValid(c, loadPublicKey(keyFile)))
            throw new BackupError('checkpoint signature invalid');
          const batch = await db.auditBatch.findUnique({ where: { seq: BigInt(c.seq) } });
          const anchor = await db.auditAnchor.findUnique({ where: { id: 1 } });
          const mismatch = checkpointMismatch(c, {
            batchHash: batch?.hash ?? null,
            head: result.head,
            anchor: anchor ? { seq: anchor.seq, hash: anchor.hash } : null,
          });
          if (mismatch) throw new BackupError(`chain does not match the checkpoint: ${mismatch}`);
          return (
            `${result.batches} batches, ${result.records} records; checkpoint of batch ${c.seq} matches` +
            (o.publicKeyFile ? '' : ' (key from the backup itself)')
          );
        } finally {
          await db.$disconnect();
        }
      });
    }
    const figuresSpec = o.stores.find((s) => s.figures);
    const figuresUrl = figuresSpec && urls.get(figuresSpec.name);
    if (figuresSpec?.figures && figuresUrl) {
      await step('account figures', async () => {
        const expected = m.accountFigures ?? [];
        const actual = await readFigures(figuresUrl, figuresSpec.figures!);
        const differ = expected.filter(
          (e) =>
            JSON.stringify(e) !== JSON.stringify(actual.find((a) => a.accountId === e.accountId)),
        );
        if (differ.length || actual.length !== expected.length) {
          throw new BackupError(
            `${differ.length} of ${expected.length} accounts differ from the backup's figures` +
              (actual.length !== expected.length ? ` (${actual.length} accounts restored)` : ''),
          );
        }
        return `${actual.length} accounts: balances and booked sums recomputed, all match`;
      });
    }
    return report;
  } finally {
    report.recoverMs = Date.now() - started;
    rmSync(scratch, { recursive: true, force: true });
    for (const db of created) await dropDatabase(db.admin, db.name).catch(() => undefined);
  }
}

async function readFigures(url: string, figures: (read: SqlReader) => Promise<AccountFigures[]>) {
  if (providerOf(url) === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(url.slice('file:'.length), { readonly: true });
    try {
      return await figures(async (sql) => db.prepare(sql).all() as Record<string, unknown>[]);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await figures(
      async (sql) => (await client.query(sql)).rows as Record<string, unknown>[],
    );
  } finally {
    await client.end();
  }
}

/** A throwaway database on the store's own server, for a drill that touches nothing live. */
async function scratchDatabase(
  url: string,
  name: string,
  created: { admin: string; name: string }[],
) {
  const db = `lg_drill_${name}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${db}"`);
  } catch (e) {
    throw new BackupError(
      `cannot create a scratch database on ${redactUrl(url)}: ${(e as Error).message}`,
    );
  } finally {
    await client.end();
  }
  created.push({ admin: url, name: db });
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

async function dropDatabase(admin: string, name: string) {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
