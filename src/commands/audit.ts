import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import {
  allRecords,
  AuditStore,
  checkpointMismatch,
  checkpointSignatureValid,
  csvHeader,
  formatRecord,
  loadCheckpointKey,
  loadPublicKey,
  migrateAuditDb,
  pruneExpired,
  signCheckpoint,
  verifyArchives,
  verifyChain,
  type Checkpoint,
  type ExportFormat,
} from '../shared/audit/index.ts';
import { systemClock } from '../shared/clock.ts';
import type { Config } from '../shared/config/index.ts';

const usage = `usage:
  audit verify [--checkpoint <file>] [--public-key <pem>] [--archive-dir <dir>]
                                                            walk the hash chain (and the pruned archives);
                                                            exit 1 at the first broken link
  audit checkpoint [--out <file>] [--key <pem>]             print the signed head (keep it outside the store)
  audit export --format jsonl|csv [--from <iso>] [--to <iso>] [--out <file>]
  audit prune [--archive-dir <dir>]                         archive and delete records older than AUDIT_RETENTION_DAYS`;

const options = {
  checkpoint: { type: 'string' },
  'public-key': { type: 'string' },
  key: { type: 'string' },
  out: { type: 'string' },
  format: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'archive-dir': { type: 'string' },
} as const;

class UsageError extends Error {}

function date(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--${name} must be an ISO-8601 date`);
  return d;
}

/** Writes with backpressure; resolves once everything is flushed. */
async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await new Promise((r) => out.once('drain', r));
}

/** `audit verify | checkpoint | export | prune`: the audit log's operator commands. */
export async function audit(config: Config, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  let flags;
  try {
    flags = parseArgs({ args: rest, options, strict: true }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    return 2;
  }
  const keyFile = flags.key ?? join(config.dataDir, 'audit-checkpoint.key');
  const url = config.audit.databaseUrl;
  let store: AuditStore;
  if (sub === 'verify') {
    // Verifying must leave the evidence exactly as found: no migration, no write.
    try {
      store = await AuditStore.openReadOnly(url);
    } catch (e) {
      console.error(`audit store cannot be verified: ${(e as Error).message}`);
      return 1;
    }
  } else {
    await migrateAuditDb(url);
    store = AuditStore.open(url);
  }
  try {
    switch (sub) {
      case 'verify': {
        const result = await verifyChain(store.db);
        if (!result.ok) {
          console.error(`audit chain BROKEN at batch ${result.seq}: ${result.reason}`);
          return 1;
        }
        console.log(
          result.batches
            ? `audit chain OK: ${result.batches} batches, ${result.records} records, ` +
                `batch ${result.from.seq + 1n} to ${result.head.seq}, head ${result.head.hash}`
            : `audit chain OK: no batches after batch ${result.from.seq}, head ${result.head.hash}`,
        );
        const anchor = await store.db.auditAnchor.findUnique({ where: { id: 1 } });
        const archiveDir = flags['archive-dir'] ?? join(config.dataDir, 'audit-archive');
        if (anchor && existsSync(archiveDir)) {
          const archived = await verifyArchives(archiveDir, anchor);
          if (!archived.ok) {
            console.error(
              `audit archive BROKEN in ${archived.file}` +
                `${archived.seq === null ? '' : ` at batch ${archived.seq}`}: ${archived.reason}`,
            );
            return 1;
          }
          console.log(`archives OK: ${archived.files} files, ${archived.batches} pruned batches`);
        } else if (anchor) {
          if (flags['archive-dir']) {
            console.error(`no archive directory ${archiveDir}`);
            return 1;
          }
          console.log(`archives not checked: batches up to ${anchor.seq} are in ${anchor.archive}`);
        }
        if (!flags.checkpoint) return 0;
        const checkpoint = JSON.parse(readFileSync(flags.checkpoint, 'utf8')) as Checkpoint;
        const publicKey = loadPublicKey(flags['public-key'] ?? keyFile);
        if (!checkpointSignatureValid(checkpoint, publicKey)) {
          console.error('checkpoint signature INVALID');
          return 1;
        }
        const seq = BigInt(checkpoint.seq);
        const batch = await store.db.auditBatch.findUnique({ where: { seq } });
        const mismatch = checkpointMismatch(checkpoint, {
          batchHash: batch?.hash ?? null,
          head: result.head,
          anchor: anchor ? { seq: anchor.seq, hash: anchor.hash } : null,
        });
        if (mismatch) {
          console.error(`audit chain does not match the checkpoint: ${mismatch}`);
          return 1;
        }
        console.log(`checkpoint of batch ${checkpoint.seq} (${checkpoint.at}) matches`);
        return 0;
      }
      case 'checkpoint': {
        const { privateKey } = loadCheckpointKey(keyFile);
        const text = `${JSON.stringify(signCheckpoint(await store.head(), privateKey))}\n`;
        process.stdout.write(text);
        if (flags.out) {
          const out = createWriteStream(flags.out, { flags: 'wx' });
          await write(out, text);
          await new Promise((r) => out.end(r));
        }
        return 0;
      }
      case 'export': {
        const format = flags.format;
        if (format !== 'jsonl' && format !== 'csv') throw new UsageError('--format jsonl|csv');
        const filter = { from: date(flags.from, 'from'), to: date(flags.to, 'to') };
        const out: Writable = flags.out ? createWriteStream(flags.out) : process.stdout;
        if (format === 'csv') await write(out, csvHeader());
        for await (const record of allRecords(store.db, filter)) {
          await write(out, formatRecord(record, format as ExportFormat));
        }
        // process.exit would cut a piped stdout short.
        await new Promise((r) => (out === process.stdout ? out.write('', r) : out.end(r)));
        return 0;
      }
      case 'prune': {
        const retention = {
          retentionDays: config.audit.retentionDays,
          archiveDir: flags['archive-dir'] ?? join(config.dataDir, 'audit-archive'),
          clock: systemClock,
        };
        const slices = await pruneExpired(store, retention);
        for (const s of slices)
          console.log(
            `pruned ${s.batches} batches (${s.records} records); archived to ${s.archive}; ` +
              `the chain now verifies from batch ${s.anchor!.seq} (${s.anchor!.hash})`,
          );
        if (!slices.length)
          console.log(`nothing older than ${config.audit.retentionDays} days to prune`);
        return 0;
      }
      default:
        throw new UsageError(sub ? `Unknown audit command: ${sub}` : 'Missing audit command');
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${e.message}\n${usage}`);
    return 2;
  } finally {
    await store.close();
  }
}
