import { canonicalJson, sha256Hex } from './canonical.ts';
import type { AuditBatchInput } from './types.ts';

/** The prevHash of the first batch ever appended. */
export const genesisHash = '0'.repeat(64);

/**
 * The canonical JSON a batch's hash covers: the request's details and every record in
 * order. Built only from values that are stored in columns, so `audit verify` can rebuild it.
 */
export function batchBody(b: AuditBatchInput): string {
  return canonicalJson({
    v: 1,
    at: b.at,
    service: b.service,
    requestId: b.requestId,
    principalKind: b.principalKind,
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
      outcome: r.outcome,
      errorCode: r.errorCode,
    })),
  });
}

/**
 * hash(n) = hex(sha256(prevHash + "\n" + n + "\n" + body)): each link commits to its
 * predecessor, its own position and its content, so an edit, a deletion, an insertion or a
 * reordering changes every later hash.
 */
export function linkHash(prevHash: string, seq: bigint, body: string): string {
  return sha256Hex(`${prevHash}\n${seq.toString()}\n${body}`);
}
