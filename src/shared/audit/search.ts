import type { AuditBatchRow, AuditDb, AuditFieldUseRow } from './db.ts';
import { unpackRecords } from './records.ts';
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

/** A record's place in the chain: its batch and its index in the batch. */
interface RecordPosition {
  seq: bigint;
  idx: number;
}

export const encodeCursor = (seq: bigint, idx: number): string =>
  Buffer.from(`${seq}:${idx}`, 'utf8').toString('base64url');

export function decodeCursor(cursor: string): RecordPosition {
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
  const after = page.after ? decodeCursor(page.after) : null;
  // One record beyond the page tells whether there is a next one.
  const found: AuditRecordView[] = [];
  const matching = matchingRecords(db, filter, {
    asc: page.order === 'asc',
    after,
    wanted: first + 1,
  });
  for await (const record of matching) {
    found.push(record);
    if (found.length > first) break;
  }
  const records = found.slice(0, first).map((r) => ({ ...r, cursor: encodeCursor(r.seq, r.idx) }));
  return {
    records,
    hasNextPage: found.length > first,
    endCursor: records.at(-1)?.cursor ?? null,
  };
}

/**
 * Every matching record, oldest first (for export). Reads batches directly rather than page
 * by page, so a batch of thousands of records is unpacked once; `pageSize` is how many
 * matching records one read of packed records aims at.
 */
export function allRecords(
  db: AuditDb,
  filter: AuditFilter,
  pageSize = maxPageSize,
): AsyncGenerator<AuditRecordView> {
  return matchingRecords(db, filter, {
    asc: true,
    after: null,
    wanted: Infinity,
    perRead: pageSize,
  });
}

/** Batches looked at per query: their request details and field uses, not their records. */
const batchesPerQuery = 50;
/** Records unpacked per read at most, beyond one batch: bounds memory on a rare field path. */
const unpackPerRead = 20_000;

type BatchWhere = NonNullable<Parameters<AuditDb['auditBatch']['findMany']>[0]>['where'];
type FieldUseWhere = NonNullable<NonNullable<NonNullable<BatchWhere>['fieldUses']>['some']>;
type BatchHead = Omit<AuditBatchRow, 'records'> & { fieldUses?: AuditFieldUseRow[] };

/**
 * Records are packed per batch (records.ts), so search narrows by batch first: the request
 * details are columns, and field path and outcome go through the AuditFieldUse index, whose
 * counts also tell how many matching records a batch holds. Only as many batches' records
 * are read and unpacked as the caller wants records; each is then filtered record by record.
 */
async function* matchingRecords(
  db: AuditDb,
  filter: AuditFilter,
  options: { asc: boolean; after: RecordPosition | null; wanted: number; perRead?: number },
): AsyncGenerator<AuditRecordView> {
  const { asc, after, wanted } = options;
  const perRead = options.perRead ?? maxPageSize + 1;
  const matches = recordMatcher(filter);
  const uses = fieldUseWhere(filter);
  // The cursor's batch comes again: its records beyond the cursor may remain.
  let seq = after ? { [asc ? 'gte' : 'lte']: after.seq } : undefined;
  let yielded = 0;
  for (;;) {
    const heads: BatchHead[] = await db.auditBatch.findMany({
      where: {
        ...requestWhere(filter),
        ...(uses ? { fieldUses: { some: uses } } : {}),
        ...(seq ? { seq } : {}),
      },
      orderBy: { seq: asc ? 'asc' : 'desc' },
      take: batchesPerQuery,
      omit: { records: true },
      include: { fieldUses: uses ? { where: uses } : false },
    });
    let read: BatchHead[] = [];
    let expected = 0;
    let unpacking = 0;
    for (const [i, head] of heads.entries()) {
      const held = uses
        ? head.fieldUses!.reduce((n, u) => (matches(u.fieldPath, u.outcome) ? n + u.count : n), 0)
        : head.recordCount;
      if (held > 0) {
        read.push(head);
        expected += held;
        unpacking += head.recordCount;
      }
      const enough = expected >= Math.min(wanted - yielded, perRead) || unpacking >= unpackPerRead;
      if (read.length && (enough || i === heads.length - 1)) {
        for (const record of await readRecords(db, read, matches, asc, after)) {
          yield record;
          yielded += 1;
        }
        read = [];
        expected = 0;
        unpacking = 0;
      }
    }
    if (heads.length < batchesPerQuery) return;
    seq = { [asc ? 'gt' : 'lt']: heads.at(-1)!.seq };
  }
}

/** The given batches' records that match and lie beyond the cursor, in page order. */
async function readRecords(
  db: AuditDb,
  heads: BatchHead[],
  matches: (fieldPath: string, outcome: string) => boolean,
  asc: boolean,
  after: RecordPosition | null,
): Promise<AuditRecordView[]> {
  const rows = await db.auditBatch.findMany({
    where: { seq: { in: heads.map((h) => h.seq) } },
    select: { seq: true, format: true, records: true, erasedAt: true },
  });
  const packed = new Map(rows.map((r) => [r.seq, r]));
  const out: AuditRecordView[] = [];
  for (const head of heads) {
    const row = packed.get(head.seq);
    // Pruned since its head was read: gone from the store, as it would be from a later page.
    // Erased (GDPR art. 17): the batch's header stays, its records are gone.
    if (!row || row.erasedAt) continue;
    const records = unpackRecords(row.format, row.records, head.at);
    const cursorIdx = after?.seq === head.seq ? after.idx : null;
    for (let n = 0; n < records.length; n++) {
      const idx = asc ? n : records.length - 1 - n;
      if (cursorIdx !== null && (asc ? idx <= cursorIdx : idx >= cursorIdx)) continue;
      const r = records[idx]!;
      if (!matches(r.fieldPath, r.outcome)) continue;
      out.push({
        seq: head.seq,
        idx,
        at: head.at,
        service: head.service,
        requestId: head.requestId,
        principalKind: head.principalKind as PrincipalKindOrAnonymous,
        principalId: head.principalId,
        clientId: head.clientId,
        psuId: head.psuId,
        consentId: head.consentId,
        operationName: head.operationName,
        operationType: head.operationType,
        recordAt: r.at,
        fieldPath: r.fieldPath,
        responsePath: r.responsePath,
        args: r.args,
        outcome: r.outcome,
        errorCode: r.errorCode,
      });
    }
  }
  return out;
}

/** The filter's request-level criteria, which are columns of the batch. */
function requestWhere(filter: AuditFilter): BatchWhere {
  return {
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
}

/** The `Type.` of a `Type.*` field path, or null for an exact one. */
const typePrefix = (fieldPath: string): string | null =>
  fieldPath.endsWith('.*') ? fieldPath.slice(0, -1) : null;

/** The AuditFieldUse rows a batch needs for the record-level criteria; null without any. */
function fieldUseWhere(filter: AuditFilter): FieldUseWhere | null {
  const path = filter.fieldPath;
  if (!path && !filter.outcome) return null;
  const prefix = path ? typePrefix(path) : null;
  return {
    ...(path ? { fieldPath: prefix ? { startsWith: prefix } : path } : {}),
    ...(filter.outcome ? { outcome: filter.outcome } : {}),
  };
}

/**
 * The record-level criteria, applied to unpacked records and to field uses alike. Exact here
 * where the store may not be (SQLite's LIKE, behind `startsWith`, ignores ASCII case).
 */
function recordMatcher(filter: AuditFilter): (fieldPath: string, outcome: string) => boolean {
  const path = filter.fieldPath;
  const prefix = path ? typePrefix(path) : null;
  const outcome = filter.outcome;
  return (fieldPath, recordOutcome) =>
    (!path || (prefix ? fieldPath.startsWith(prefix) : fieldPath === path)) &&
    (!outcome || recordOutcome === outcome);
}
