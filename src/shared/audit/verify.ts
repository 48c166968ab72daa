import { genesisHash, linkHash, recordsDigestOf, storedBody } from './chain.ts';
import type { AuditBatchRow, AuditDb, AuditFieldUseRow } from './db.ts';
import { erasureService } from './erasure.ts';
import {
  compareUses,
  fieldUsesOf,
  MalformedRecordsError,
  unpackRecords,
  type FieldUse,
} from './records.ts';
import type { ChainLink, PrincipalKindOrAnonymous } from './types.ts';

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

/**
 * Why a stored batch does not continue the chain from `prev`, or null when it does: seq
 * must follow on, prevHash must be the previous hash, the records must unpack to as many as
 * the batch says, the recomputed hash must equal the stored one, and the field-use index
 * search goes through must be what the records imply (else search would hide records).
 * Format 3: the records must match their digest, which the hash covers; an erased batch has
 * neither records nor field uses left, and its hash still covers its header and digest.
 */
export function brokenLink(
  b: AuditBatchRow & { fieldUses: AuditFieldUseRow[] },
  prev: ChainLink,
): { reason: string } | { records: number } {
  if (b.seq !== prev.seq + 1n)
    return { reason: `batch ${prev.seq + 1n} is missing (next is ${b.seq})` };
  if (b.prevHash !== prev.hash) return { reason: 'prevHash does not match the previous batch' };
  const principalKind = b.principalKind as PrincipalKindOrAnonymous;
  if (b.erasedAt) {
    if (b.format !== 3) return { reason: 'marked erased, but its format cannot be erased' };
    if (b.records !== '' || b.fieldUses.length)
      return { reason: 'marked erased, but it still holds records' };
    if (linkHash(b.prevHash, b.seq, storedBody({ ...b, principalKind })) !== b.hash)
      return { reason: 'content does not match its hash (edited)' };
    return { records: 0 };
  }
  let records;
  try {
    records = unpackRecords(b.format, b.records, b.at);
  } catch (e) {
    if (!(e instanceof MalformedRecordsError)) throw e;
    return { reason: `records cannot be read (${e.message}): edited` };
  }
  if (records.length !== b.recordCount)
    return { reason: `holds ${records.length} records, ${b.recordCount} were written` };
  if (b.format === 3 && recordsDigestOf(b.records) !== b.recordsDigest)
    return { reason: 'records do not match their digest (edited)' };
  const body = storedBody({ ...b, principalKind });
  if (linkHash(b.prevHash, b.seq, body) !== b.hash)
    return { reason: 'content does not match its hash (edited)' };
  const stored = b.fieldUses
    .map((u): FieldUse => [u.fieldPath, u.outcome, u.count])
    .sort(compareUses);
  if (JSON.stringify(stored) !== JSON.stringify(fieldUsesOf(records)))
    return { reason: 'its field-use index does not match its records (edited)' };
  return { records: records.length };
}

/**
 * Walks the chain from the retention anchor (or genesis) to the head row, in pages, and
 * reports the first broken link, or an erased batch that no later erasure record of its PSU
 * accounts for (erasure.ts). The head row catches deletions at the tail unless it was
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
  // Erased batches not yet followed by an erasure record of their PSU: PSU → first such seq.
  const unexplained = new Map<string, bigint>();
  for (;;) {
    const page = await db.auditBatch.findMany({
      where: { seq: { gt: prev.seq } },
      orderBy: { seq: 'asc' },
      take: pageSize,
      include: { fieldUses: true },
    });
    for (const b of page) {
      const checked = brokenLink(b, prev);
      if ('reason' in checked)
        return {
          ok: false,
          seq: b.seq === prev.seq + 1n ? b.seq : prev.seq + 1n,
          reason: checked.reason,
          batches,
        };
      prev = { seq: b.seq, hash: b.hash };
      batches += 1;
      records += checked.records;
      const psu = b.psuId ?? b.principalId ?? '';
      if (b.erasedAt && !unexplained.has(psu)) unexplained.set(psu, b.seq);
      if (b.service === erasureService && b.psuId) unexplained.delete(b.psuId);
    }
    if (page.length < pageSize) break;
  }
  if (unexplained.size) {
    const seq = [...unexplained.values()].reduce((a, b) => (a < b ? a : b));
    return {
      ok: false,
      seq,
      reason: 'its records were erased, but no later erasure record of its PSU says so',
      batches,
    };
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
