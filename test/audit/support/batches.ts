import { CallLog, fieldId, pathNode } from '../../../src/shared/audit/call-log.ts';
import { unpackRecords, type PackedRecords } from '../../../src/shared/audit/records.ts';
import type { AuditBatchInput, AuditRecordInput } from '../../../src/shared/audit/types.ts';

let n = 0;

/** Whole records packed as the recorder packs calls (each path given in full, no parent). */
export function packedOf(records: Omit<AuditRecordInput, 'at'>[], at: number): PackedRecords {
  const log = new CallLog(at);
  records.forEach((r, i) =>
    log.add(fieldId(r.fieldPath), pathNode(undefined, r.responsePath), r.args, at + i, r),
  );
  return log.pack();
}

/** Who made a typical request, and how: alice's dashboard through demo-pfm under cns_1. */
export const aliceDashboard = {
  service: 'accounts',
  principalKind: 'consent' as const,
  principalId: 'psu_alice',
  clientId: 'demo-pfm',
  psuId: 'psu_alice',
  consentId: 'cns_1',
  operationName: 'Dash',
  operationType: 'query',
};

/** A plausible batch of `records` resolver calls; override any request detail. */
export function makeBatch(
  overrides: Partial<Omit<AuditBatchInput, 'records'>> = {},
  records = 3,
): AuditBatchInput {
  n += 1;
  const at = overrides.at ?? new Date();
  const plain = Array.from({ length: records }, (_, i) => ({
    fieldPath: i === 0 ? 'Query.accounts' : 'Account.nickname',
    responsePath: i === 0 ? 'accounts' : `accounts.${i - 1}.nickname`,
    args: i === 0 ? '{"first":10}' : null,
    outcome: 'ok' as const,
    errorCode: null,
  }));
  return {
    at,
    ...aliceDashboard,
    requestId: `req-${n}`,
    ...overrides,
    records: packedOf(plain, at.getTime()),
  };
}

/** A batch's records as stored and read back: whole, in order. */
export const recordsOf = (b: AuditBatchInput): AuditRecordInput[] =>
  unpackRecords(2, b.records.text, b.at);
