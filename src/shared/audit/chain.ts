import { sha256Hex } from './canonical.ts';
import type { AuditBatchInput, AuditRecordInput } from './types.ts';

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

/**
 * The canonical JSON (canonical.ts: sorted keys, no whitespace) a batch's hash covers: the
 * request's details and every record in order. Written out field by field because it runs
 * for every request; a test holds it equal to canonicalJson of the same object. Built only
 * from values stored in columns, so `audit verify` can rebuild it from the rows.
 */
export function batchBody(b: AuditBatchInput): string {
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
