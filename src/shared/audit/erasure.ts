import { recordSecurityEvent } from './security-event.ts';
import type { AuditStore } from './store.ts';
import type { ChainLink } from './types.ts';

/** The service name of erasure records: never erased themselves, they prove each erasure. */
export const erasureService = 'erasure';

export interface AuditErasure {
  /** Where the erasure record landed; every erased batch lies before it. */
  record: ChainLink;
  /** Batches whose records were erased (format 3). */
  erased: number;
  /**
   * Batches of formats 1 and 2, whose hash covers the records themselves: erasing them would
   * break the chain, so they stay until retention prunes them.
   */
  kept: number;
}

export interface AuditErasureRequest {
  psuId: string;
  at: Date;
  /** Who asked (an operator's name), recorded with the erasure. */
  by: string;
  requestId: string;
  /** What the other stores erased and kept, recorded with the erasure (counts only). */
  details?: Record<string, number | string>;
}

const ofPsu = (psuId: string) => ({
  OR: [{ psuId }, { principalId: psuId }],
  NOT: { service: erasureService },
});

/**
 * Erases a PSU's audit records (GDPR art. 17) while the chain still verifies: first an
 * erasure record is appended (service `erasure`, the PSU's id, the counts), then, under the
 * chain lock, every earlier format-3 batch of the PSU loses its records and field uses and
 * is marked erased. Its id, header, digest and hash stay, so each link still recomputes;
 * `audit verify` requires every erased batch to lie before an erasure record of its PSU, so
 * records quietly blanked by someone with database access are still caught. Running it again
 * finishes an erasure a crash cut short.
 */
export async function eraseAuditRecords(
  store: AuditStore,
  r: AuditErasureRequest,
): Promise<AuditErasure> {
  const kept = await store.db.auditBatch.count({
    where: { ...ofPsu(r.psuId), format: { lt: 3 } },
  });
  const pending = await store.db.auditBatch.count({
    where: { ...ofPsu(r.psuId), format: 3, erasedAt: null },
  });
  const record = await recordSecurityEvent(store, {
    at: r.at,
    service: erasureService,
    requestId: r.requestId,
    event: 'Security.psuErased',
    principalKind: 'psu',
    principalId: r.psuId,
    clientId: null,
    psuId: r.psuId,
    details: { by: r.by, auditBatches: pending, auditBatchesKept: kept, ...r.details },
    outcome: 'ok',
    errorCode: null,
  });
  const erased = await store.locked(async (tx) => {
    const where = { ...ofPsu(r.psuId), format: 3, erasedAt: null, seq: { lt: record.seq } };
    const seqs = (await tx.auditBatch.findMany({ where, select: { seq: true } })).map((b) => b.seq);
    for (let i = 0; i < seqs.length; i += 500) {
      const slice = seqs.slice(i, i + 500);
      await tx.auditFieldUse.deleteMany({ where: { batchSeq: { in: slice } } });
      await tx.auditBatch.updateMany({
        where: { seq: { in: slice } },
        data: { records: '', erasedAt: r.at },
      });
    }
    return seqs.length;
  });
  return { record, erased, kept };
}
