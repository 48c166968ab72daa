import type { AuditBatchInput } from '../../../src/shared/audit/types.ts';

let n = 0;

/** A plausible batch of `records` resolver calls; override any request detail. */
export function makeBatch(
  overrides: Partial<Omit<AuditBatchInput, 'records'>> = {},
  records = 3,
): AuditBatchInput {
  n += 1;
  const at = overrides.at ?? new Date();
  return {
    at,
    service: 'accounts',
    requestId: `req-${n}`,
    principalKind: 'consent',
    principalId: 'psu_alice',
    clientId: 'demo-pfm',
    psuId: 'psu_alice',
    consentId: 'cns_1',
    operationName: 'Dash',
    operationType: 'query',
    ...overrides,
    records: Array.from({ length: records }, (_, i) => ({
      at: new Date(at.getTime() + i),
      fieldPath: i === 0 ? 'Query.accounts' : 'Account.nickname',
      responsePath: i === 0 ? 'accounts' : `accounts.${i - 1}.nickname`,
      args: i === 0 ? '{"first":10}' : null,
      outcome: 'ok' as const,
      errorCode: null,
    })),
  };
}
