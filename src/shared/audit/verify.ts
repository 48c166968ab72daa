import { batchBody, genesisHash, linkHash } from './chain.ts';
import type { AuditDb, AuditBatchRow, AuditRecordRow } from './db.ts';
import type {
  AuditBatchInput,
  AuditOutcome,
  ChainLink,
  PrincipalKindOrAnonymous,
} from './types.ts';

export type VerifyResult =
  | {
      ok: true;
      /** Batches and records checked, from the anchor (or genesis) to the head. */
      batches: number;
      records: number;
      from: ChainLink;
      head: ChainLink;
    }
  | {
      ok: false;
      /** The first batch whose link does not hold (for a gap: the seq that is missing). */
      seq: bigint;
      reason: string;
      batches: number;
    };

/** A stored batch with its records, turned back into what was hashed. */
export function toBatchInput(b: AuditBatchRow & { records: AuditRecordRow[] }): AuditBatchInput {
  return {
    at: b.at,
    service: b.service,
    requestId: b.requestId,
    principalKind: b.principalKind as PrincipalKindOrAnonymous,
    principalId: b.principalId,
    clientId: b.clientId,
    psuId: b.psuId,
    consentId: b.consentId,
    operationName: b.operationName,
    operationType: b.operationType,
    records: b.records.map((r) => ({
      at: r.at,
      fieldPath: r.fieldPath,
      responsePath: r.responsePath,
      args: r.args,
      outcome: r.outcome as AuditOutcome,
      errorCode: r.errorCode,
    })),
  };
}

/**
 * Why a stored batch does not continue the chain from `prev`, or null when it does: seq
 * must follow on, prevHash must be the previous hash, records must be numbered 0..n-1 and
 * as many as the batch says, and the recomputed hash must equal the stored one.
 */
export function brokenLink(
  b: AuditBatchRow & { records: AuditRecordRow[] },
  prev: ChainLink,
): string | null {
  if (b.seq !== prev.seq + 1n) return `batch ${prev.seq + 1n} is missing (next is ${b.seq})`;
  if (b.prevHash !== prev.hash) return 'prevHash does not match the previous batch';
  if (b.records.length !== b.recordCount)
    return `holds ${b.records.length} records, ${b.recordCount} were written`;
  if (b.records.some((r, i) => r.idx !== i)) return 'a record is missing or out of order';
  if (linkHash(b.prevHash, b.seq, batchBody(toBatchInput(b))) !== b.hash)
    return 'content does not match its hash (edited)';
  return null;
}

/**
 * Walks the chain from the retention anchor (or genesis) to the head row, in pages, and
 * reports the first broken link. The head row catches deletions at the tail unless it was
 * rewritten too; a signed checkpoint (checkpoint.ts) catches that.
 */
export async function verifyChain(db: AuditDb, pageSize = 200): Promise<VerifyResult> {
  const anchor = await db.auditAnchor.findUnique({ where: { id: 1 } });
  const from: ChainLink = anchor
    ? { seq: anchor.seq, hash: anchor.hash }
    : { seq: 0n, hash: genesisHash };
  let prev = from;
  let batches = 0;
  let records = 0;
  for (;;) {
    const page = await db.auditBatch.findMany({
      where: { seq: { gt: prev.seq } },
      orderBy: { seq: 'asc' },
      take: pageSize,
      include: { records: { orderBy: { idx: 'asc' } } },
    });
    for (const b of page) {
      const reason = brokenLink(b, prev);
      if (reason)
        return { ok: false, seq: b.seq === prev.seq + 1n ? b.seq : prev.seq + 1n, reason, batches };
      prev = { seq: b.seq, hash: b.hash };
      batches += 1;
      records += b.records.length;
    }
    if (page.length < pageSize) break;
  }
  const older = await db.auditBatch.findFirst({ where: { seq: { lte: from.seq } } });
  if (older)
    return { ok: false, seq: older.seq, reason: 'batch lies before the retention anchor', batches };
  const head = await db.auditHead.findUnique({ where: { id: 1 } });
  if (!head) {
    return prev.seq === 0n
      ? { ok: true, batches, records, from, head: prev }
      : { ok: false, seq: prev.seq, reason: 'the chain head row is missing', batches };
  }
  if (head.seq !== prev.seq || head.hash !== prev.hash) {
    return {
      ok: false,
      seq: prev.seq + 1n,
      reason: `chain ends at batch ${prev.seq} but the head says ${head.seq} (deleted at the tail)`,
      batches,
    };
  }
  return { ok: true, batches, records, from, head: prev };
}
