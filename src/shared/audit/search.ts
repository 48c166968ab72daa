import type { AuditDb } from './db.ts';
import type { AuditOutcome, AuditRecordView, PrincipalKindOrAnonymous } from './types.ts';

/** Every criterion is optional; given ones must all match. Times bound the request's start. */
export interface AuditFilter {
  psuId?: string | null;
  clientId?: string | null;
  consentId?: string | null;
  requestId?: string | null;
  /** `Type.field`, or `Type.*` for every field of a type. */
  fieldPath?: string | null;
  outcome?: AuditOutcome | null;
  /** Inclusive. */
  from?: Date | null;
  /** Exclusive. */
  to?: Date | null;
}

export interface AuditPageRequest {
  first: number;
  /** An opaque cursor from a previous page's `endCursor`. */
  after?: string | null;
  /** Newest first (default, for people) or oldest first (for export). */
  order?: 'desc' | 'asc';
}

export interface AuditPage {
  records: (AuditRecordView & { cursor: string })[];
  hasNextPage: boolean;
  endCursor: string | null;
}

export const maxPageSize = 500;

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

export const encodeCursor = (seq: bigint, idx: number): string =>
  Buffer.from(`${seq}:${idx}`, 'utf8').toString('base64url');

export function decodeCursor(cursor: string): { seq: bigint; idx: number } {
  const m = /^(\d{1,19}):(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new InvalidCursorError('Invalid cursor');
  return { seq: BigInt(m[1]!), idx: Number(m[2]) };
}

/** Records matching `filter`, ordered by (batch seq, index), paged by cursor. */
export async function searchAudit(
  db: AuditDb,
  filter: AuditFilter,
  page: AuditPageRequest,
): Promise<AuditPage> {
  const first = Math.min(Math.max(page.first, 0), maxPageSize);
  const asc = page.order === 'asc';
  const batch = {
    ...(filter.psuId ? { psuId: filter.psuId } : {}),
    ...(filter.clientId ? { clientId: filter.clientId } : {}),
    ...(filter.consentId ? { consentId: filter.consentId } : {}),
    ...(filter.requestId ? { requestId: filter.requestId } : {}),
    ...(filter.from || filter.to
      ? {
          at: {
            ...(filter.from ? { gte: filter.from } : {}),
            ...(filter.to ? { lt: filter.to } : {}),
          },
        }
      : {}),
  };
  const path = filter.fieldPath;
  const after = page.after ? decodeCursor(page.after) : null;
  const beyond = asc ? 'gt' : 'lt';
  const rows = await db.auditRecord.findMany({
    where: {
      AND: [
        Object.keys(batch).length ? { batch } : {},
        path
          ? path.endsWith('.*')
            ? { fieldPath: { startsWith: path.slice(0, -1) } }
            : { fieldPath: path }
          : {},
        filter.outcome ? { outcome: filter.outcome } : {},
        after
          ? {
              OR: [
                { batchSeq: { [beyond]: after.seq } },
                { batchSeq: after.seq, idx: { [beyond]: after.idx } },
              ],
            }
          : {},
      ],
    },
    orderBy: [{ batchSeq: asc ? 'asc' : 'desc' }, { idx: asc ? 'asc' : 'desc' }],
    take: first + 1,
    include: { batch: true },
  });
  const records = rows.slice(0, first).map((r) => ({
    cursor: encodeCursor(r.batchSeq, r.idx),
    seq: r.batchSeq,
    idx: r.idx,
    at: r.batch.at,
    service: r.batch.service,
    requestId: r.batch.requestId,
    principalKind: r.batch.principalKind as PrincipalKindOrAnonymous,
    principalId: r.batch.principalId,
    clientId: r.batch.clientId,
    psuId: r.batch.psuId,
    consentId: r.batch.consentId,
    operationName: r.batch.operationName,
    operationType: r.batch.operationType,
    recordAt: r.at,
    fieldPath: r.fieldPath,
    responsePath: r.responsePath,
    args: r.args,
    outcome: r.outcome as AuditOutcome,
    errorCode: r.errorCode,
  }));
  return {
    records,
    hasNextPage: rows.length > first,
    endCursor: records.at(-1)?.cursor ?? null,
  };
}

/** Every matching record, oldest first, a page at a time (for export). */
export async function* allRecords(
  db: AuditDb,
  filter: AuditFilter,
  pageSize = maxPageSize,
): AsyncGenerator<AuditRecordView> {
  let after: string | null = null;
  for (;;) {
    const page: AuditPage = await searchAudit(db, filter, { first: pageSize, after, order: 'asc' });
    for (const { cursor: _c, ...record } of page.records) yield record;
    if (!page.hasNextPage) return;
    after = page.endCursor;
  }
}
