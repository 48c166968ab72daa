import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from './canonical.ts';
import { AuditChainError, type AuditStore } from './store.ts';
import type { ChainLink } from './types.ts';
import { verifyChain } from './verify.ts';

export interface PruneResult {
  /** Batches archived and deleted by this call; more may be due when it hit maxBatches. */
  batches: number;
  records: number;
  /** The new retention anchor, or null when nothing was old enough. */
  anchor: ChainLink | null;
  archive: string | null;
}

/** Batches archived per read: each carries its packed records, thousands of calls at times. */
const batchesPerRead = 50;

/**
 * Retention: archives every batch that started before `before` (a prefix of the chain, so a
 * batch older than the cutoff but after a newer one waits for the next run) to a JSONL file,
 * one stored batch row per line (its packed records and hashes included; its field uses are
 * left out, they follow from the records), fsynced; then deletes those batches and
 * stores the last one's seq and hash as the anchor the remaining chain verifies from.
 * A broken chain is never pruned: that would destroy the evidence.
 */
export async function pruneAudit(
  store: AuditStore,
  options: {
    before: Date;
    archiveDir: string;
    now?: Date;
    /** Most batches one call archives and deletes; call again for the rest. */
    maxBatches?: number;
  },
): Promise<PruneResult> {
  const { db } = store;
  const max = BigInt(options.maxBatches ?? 50_000);
  const checked = await verifyChain(db);
  if (!checked.ok) {
    throw new AuditChainError(
      `Refusing to prune: the chain is broken at batch ${checked.seq} (${checked.reason})`,
    );
  }
  const from = checked.from.seq;
  const firstKept = await db.auditBatch.findFirst({
    where: { seq: { gt: from }, at: { gte: options.before } },
    orderBy: { seq: 'asc' },
    select: { seq: true },
  });
  const oldest = firstKept ? firstKept.seq - 1n : checked.head.seq;
  const last = oldest < from + max ? oldest : from + max;
  if (last <= from) return { batches: 0, records: 0, anchor: null, archive: null };

  mkdirSync(options.archiveDir, { recursive: true });
  const archive = join(options.archiveDir, `audit-${from + 1n}-${last}.jsonl`);
  const sha = createHash('sha256');
  const fd = openSync(archive, 'wx', 0o600);
  let anchor: ChainLink = checked.from;
  let records = 0;
  try {
    for (let cursor = from; cursor < last;) {
      const page = await db.auditBatch.findMany({
        where: { seq: { gt: cursor, lte: last } },
        orderBy: { seq: 'asc' },
        take: batchesPerRead,
      });
      if (!page.length) throw new AuditChainError('The chain changed while it was archived');
      for (const b of page) {
        const line = `${canonicalJson(b)}\n`;
        writeSync(fd, line);
        sha.update(line);
        records += b.recordCount;
        anchor = { seq: b.seq, hash: b.hash };
      }
      cursor = anchor.seq;
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const archiveSha256 = sha.digest('hex');

  await store.locked(async (tx) => {
    await tx.auditFieldUse.deleteMany({ where: { batchSeq: { gt: from, lte: last } } });
    await tx.auditBatch.deleteMany({ where: { seq: { gt: from, lte: last } } });
    const data = {
      seq: anchor.seq,
      hash: anchor.hash,
      prunedAt: options.now ?? new Date(),
      archive,
      archiveSha256,
    };
    await tx.auditAnchor.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
  });
  return { batches: Number(last - from), records, anchor, archive };
}
