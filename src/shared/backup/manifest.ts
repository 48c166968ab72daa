import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Checkpoint } from '../audit/index.ts';
import type { DatabaseProvider } from '../db/index.ts';

/** What a backup holds, written last: a folder without it is an unfinished backup. */
export interface BackupManifest {
  format: 'ledgergraph-backup/1';
  createdAt: string;
  stores: StoreEntry[];
  /** Key and secret files of DATA_DIR, copied byte for byte (without them the data is sealed). */
  files: FileEntry[];
  /** The audit chain's head inside this backup, signed with the installation's checkpoint key. */
  auditCheckpoint: Checkpoint | null;
  /** Per account figures read from the same snapshot as the dump, for the drill to recompute. */
  accountFigures: AccountFigures[] | null;
  tookMs: number;
}

export interface StoreEntry {
  name: string;
  provider: DatabaseProvider;
  file: string;
  sha256: string;
  bytes: number;
  /** Names of the migrations the store had applied when it was copied. */
  migrations: string[];
}

export interface FileEntry {
  path: string;
  sha256: string;
}

export interface AccountFigures {
  accountId: string;
  currency: string;
  /** Signed sum of booked transactions (credits minus debits), as a decimal string. */
  bookedNet: string;
  bookedCount: number;
  pendingCount: number;
  /** Latest stored balance per type, as "amount creditDebit" (decimal string). */
  balances: Record<string, string>;
}

export const manifestName = 'manifest.json';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function writeManifest(dir: string, m: BackupManifest): void {
  writeFileSync(join(dir, manifestName), `${JSON.stringify(m, null, 2)}\n`, { mode: 0o600 });
}

export class BackupError extends Error {
  override name = 'BackupError';
}

export function readManifest(dir: string): BackupManifest {
  const file = join(dir, manifestName);
  if (!existsSync(file))
    throw new BackupError(`${dir} holds no finished backup (no ${manifestName})`);
  const m = JSON.parse(readFileSync(file, 'utf8')) as BackupManifest;
  if (m.format !== 'ledgergraph-backup/1')
    throw new BackupError(`unknown backup format ${m.format}`);
  return m;
}

/** Finished backups under `root`, oldest first (their names are their UTC start times). */
export function finishedBackups(root: string): string[] {
  return existsSync(root)
    ? readdirSync(root)
        .map((name) => join(root, name))
        .filter((p) => statSync(p).isDirectory() && existsSync(join(p, manifestName)))
        .sort()
    : [];
}

/** A backup folder itself, or the newest finished backup among its subfolders. */
export function latestBackup(dir: string): string {
  if (existsSync(join(dir, manifestName))) return dir;
  const last = finishedBackups(dir).at(-1);
  if (!last) throw new BackupError(`no finished backup in ${dir}`);
  return last;
}
