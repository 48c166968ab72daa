import { canonicalJson, sha256Hex } from './canonical.ts';
import { unpackRecords } from './records.ts';
import type { AuditRecordInput, AuditRequestInfo } from './types.ts';

/** The prevHash of the first batch ever appended. */
export const genesisHash = '0'.repeat(64);

const str = (s: string | null | undefined): string => (s == null ? 'null' : JSON.stringify(s));

/** Records of one request share milliseconds; format each instant once. */
let lastMs = NaN;
let lastIso = '';
function iso(d: Date): string {
  const ms = d.getTime();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = d.toISOString();
  }
  return lastIso;
}

function recordJson(r: AuditRecordInput): string {
  return `{"args":${str(r.args)},"at":"${iso(r.at)}","errorCode":${str(r.errorCode)},"fieldPath":${str(r.fieldPath)},"outcome":${str(r.outcome)},"responsePath":${str(r.responsePath)}}`;
}

/** A batch as format 1 hashed it: the request's details and every record, unpacked. */
export interface FormatOneBatch extends AuditRequestInfo {
  records: AuditRecordInput[];
}

/**
 * The canonical JSON (canonical.ts: sorted keys, no whitespace) a format-1 batch's hash
 * covers: the request's details and every record in order. Batches written before migration
 * 0003 are verified with it. A test holds it equal to canonicalJson of the same object.
 */
export function batchBody(b: FormatOneBatch): string {
  return (
    `{"at":"${iso(b.at)}","clientId":${str(b.clientId)},"consentId":${str(b.consentId)},` +
    `"operationName":${str(b.operationName)},"operationType":${str(b.operationType)},` +
    `"principalId":${str(b.principalId)},"principalKind":${str(b.principalKind)},` +
    `"psuId":${str(b.psuId)},"records":[${b.records.map(recordJson).join(',')}],` +
    `"requestId":${str(b.requestId)},"service":${str(b.service)},"v":1}`
  );
}

/**
 * hash(n) = hex(sha256(prevHash + "\n" + n + "\n" + body)): each link commits to its
 * predecessor, its own position and its content, so an edit, a deletion, an insertion or a
 * reordering changes every later hash.
 */
export function linkHash(prevHash: string, seq: bigint, body: string): string {
  return sha256Hex(`${prevHash}\n${seq.toString()}\n${body}`);
}

/** The records format appends write (records.ts, docs/DECISIONS.md "Jurisdiction and erasure"). */
export const currentFormat = 3;

/**
 * The canonical JSON of a batch's request details and record count, the first part of what
 * its hash covers. Format 3 adds the jurisdiction (null when the request had no PSU's).
 * Built only from stored columns, so `audit verify` rebuilds it from the row.
 */
export function batchHeader(
  b: AuditRequestInfo & { recordCount: number },
  format: 2 | 3 = currentFormat,
): string {
  return canonicalJson({
    at: b.at,
    clientId: b.clientId,
    consentId: b.consentId,
    format,
    ...(format === 3 ? { jurisdiction: b.jurisdiction ?? null } : {}),
    operationName: b.operationName,
    operationType: b.operationType,
    principalId: b.principalId,
    principalKind: b.principalKind,
    psuId: b.psuId,
    recordCount: b.recordCount,
    requestId: b.requestId,
    service: b.service,
  });
}

/** A stored batch: its request's details and its records column. */
export interface StoredBatch extends AuditRequestInfo {
  format: number;
  recordCount: number;
  records: string;
  /** Format 3: sha256 hex of the records as written; kept when they are erased. */
  recordsDigest?: string | null;
}

/** Format 3: what stands in the hash for the records (erasure.ts replaces them, not this). */
export const recordsDigestOf = (records: string): string => sha256Hex(records);

/**
 * The body a stored batch's hash covers, by its format. 1: the request and every record as
 * objects; 2: the header, a newline and the packed records; 3: the header (with the
 * jurisdiction), a newline and the records' digest, so the records can be erased while the
 * link still verifies.
 */
export function storedBody(b: StoredBatch): string {
  if (b.format === 1) return batchBody({ ...b, records: unpackRecords(1, b.records, b.at) });
  if (b.format === 2) return `${batchHeader(b, 2)}\n${b.records}`;
  return `${batchHeader(b, 3)}\n${b.recordsDigest ?? ''}`;
}
