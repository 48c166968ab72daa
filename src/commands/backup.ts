import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { auditStoreDir } from '../shared/audit/index.ts';
import {
  BackupError,
  drillBackup,
  finishedBackups,
  latestBackup,
  restoreBackup,
  takeBackup,
  type StoreSpec,
} from '../shared/backup/index.ts';
import type { Config } from '../shared/config/index.ts';
import { accountFigures } from '../subgraphs/accounts/db/figures.ts';
import { accountsStoreDir } from '../subgraphs/accounts/db/client.ts';
import { consentStoreDir } from '../subgraphs/consent/db/client.ts';
import { paymentsStoreDir } from '../subgraphs/payments/db/client.ts';
import { stopSignal } from './stop-signal.ts';

const usage = `usage:
  backup <dir> [--every <hours> [--keep <n>]]
                                       consistent online backup of every store, keys and the audit
                                       checkpoint, into a new folder under <dir>; with --every, again
                                       on that schedule until stopped, keeping the newest <n> (7)
  restore <dir> [--force]              bring back <dir> (a backup, or the newest under it) into the
                                       configured stores and DATA_DIR; --force replaces what exists
  drill <dir> [--public-key <pem>]     restore the newest backup under <dir> into scratch stores,
                                       check migrations, the audit chain and every account's figures`;

/** Files of DATA_DIR without which the stores' sealed data and the audit chain are useless. */
export const dataFiles = [
  'internal-context.secret',
  'connection-encryption.key',
  'payments.key',
  'audit-checkpoint.key',
  'audit-checkpoint.key.pub',
  'audit-archive',
  // The embedded default's sandbox banks: their consents and tokens behind the connections.
  'sandbox',
];

function pruneBackups(root: string, keep: number): void {
  for (const old of finishedBackups(root).slice(0, -keep))
    rmSync(old, { recursive: true, force: true });
}

export function storesOf(config: Config): StoreSpec[] {
  return [
    { name: 'consent', url: config.databases.consent, migrationsDir: consentStoreDir },
    {
      name: 'accounts',
      url: config.databases.accounts,
      migrationsDir: accountsStoreDir,
      figures: accountFigures,
    },
    { name: 'payments', url: config.databases.payments, migrationsDir: paymentsStoreDir },
    { name: 'audit', url: config.audit.databaseUrl, migrationsDir: auditStoreDir, audit: true },
  ];
}

export async function backupNow(config: Config, root: string) {
  return takeBackup(root, {
    stores: storesOf(config),
    dataDir: config.dataDir,
    dataFiles,
    checkpointKeyFile: join(config.dataDir, 'audit-checkpoint.key'),
  });
}

type Made = Awaited<ReturnType<typeof backupNow>>;

const describe = ({ dir, manifest }: Made) =>
  `backup written to ${dir} in ${manifest.tookMs} ms: ` +
  manifest.stores.map((s) => `${s.name} (${s.provider}, ${s.bytes} bytes)`).join(', ') +
  `; ${manifest.files.length} key and archive files; audit checkpoint at batch ` +
  `${manifest.auditCheckpoint?.seq ?? '-'}`;

export interface ScheduleOptions {
  everyMs: number;
  /** Finished backups kept under the folder; older ones are deleted after each new one. */
  keep: number;
  signal: AbortSignal;
  onBackup?: (made: Made) => void;
  onError?: (e: Error) => void;
}

/**
 * Backs up at once and then every `everyMs` until `signal` aborts, beside a running system
 * (every copy is online and consistent). A failed backup is reported and retried at the next
 * slot; it never deletes an older one.
 */
export async function scheduleBackups(config: Config, root: string, o: ScheduleOptions) {
  while (!o.signal.aborted) {
    try {
      o.onBackup?.(await backupNow(config, root));
      pruneBackups(root, o.keep);
    } catch (e) {
      o.onError?.(e as Error);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, o.everyMs);
      o.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}

/** `backup`, `restore` and `drill`: the operator's proof that data can be brought back. */
export function backupCommand(kind: 'backup' | 'restore' | 'drill') {
  return async (config: Config, args: string[]): Promise<number> => {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: {
          force: { type: 'boolean' },
          'public-key': { type: 'string' },
          every: { type: 'string' },
          keep: { type: 'string' },
        },
      });
    } catch (e) {
      console.error(`${(e as Error).message}\n${usage}`);
      return 2;
    }
    const dir = parsed.positionals[0];
    if (!dir || parsed.positionals.length > 1) {
      console.error(usage);
      return 2;
    }
    try {
      if (kind === 'backup') {
        const every = parsed.values.every;
        if (every === undefined) {
          console.log(describe(await backupNow(config, dir)));
          return 0;
        }
        const hours = Number(every);
        const keep = Number(parsed.values.keep ?? 7);
        if (!(hours > 0) || !Number.isInteger(keep) || keep < 1) {
          console.error(`--every takes hours (> 0) and --keep a whole number (>= 1)\n${usage}`);
          return 2;
        }
        const stop = new AbortController();
        void stopSignal().then(() => stop.abort());
        await scheduleBackups(config, dir, {
          everyMs: hours * 3_600_000,
          keep,
          signal: stop.signal,
          onBackup: (made) => console.log(describe(made)),
          onError: (e) => console.error(`backup failed: ${e.message}`),
        });
        return 0;
      }
      const from = latestBackup(dir);
      if (kind === 'restore') {
        const m = await restoreBackup(from, {
          stores: storesOf(config),
          dataDir: config.dataDir,
          force: parsed.values.force ?? false,
        });
        console.log(
          `restored ${from} (taken ${m.createdAt}): ${m.stores.map((s) => s.name).join(', ')}`,
        );
        return 0;
      }
      const report = await drillBackup(from, {
        stores: storesOf(config),
        publicKeyFile: parsed.values['public-key'],
      });
      console.log(`drill of ${report.backup} (taken ${report.createdAt})`);
      for (const s of report.steps) {
        console.log(`  ${s.ok ? 'ok  ' : 'FAIL'} ${s.step.padEnd(18)} ${s.detail} (${s.ms} ms)`);
      }
      console.log(
        `${report.ok ? 'drill passed' : 'drill FAILED'}: time to recover ${(report.recoverMs / 1000).toFixed(1)} s`,
      );
      return report.ok ? 0 : 1;
    } catch (e) {
      if (e instanceof BackupError) {
        console.error(e.message);
        return 1;
      }
      throw e;
    }
  };
}
