import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/shared/audit/canonical.ts';
import { batchBody, genesisHash, linkHash } from '../../src/shared/audit/chain.ts';
import type { AuditBatchInput } from '../../src/shared/audit/types.ts';

const batch: AuditBatchInput = {
  at: new Date('2026-03-01T10:00:00.000Z'),
  service: 'accounts',
  requestId: 'req-1',
  principalKind: 'consent',
  principalId: 'psu_alice',
  clientId: 'demo-pfm',
  psuId: 'psu_alice',
  consentId: 'cns_1',
  operationName: 'Dash',
  operationType: 'query',
  records: [
    {
      at: new Date('2026-03-01T10:00:00.001Z'),
      fieldPath: 'Query.accounts',
      responsePath: 'accounts',
      args: null,
      outcome: 'ok',
      errorCode: null,
    },
  ],
};

describe('audit hash chain format', () => {
  it('canonical JSON sorts keys, drops undefined, writes dates and bigints as strings', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 2n], c: undefined, d: new Date(0) })).toBe(
      '{"a":[true,null,"2"],"b":1,"d":"1970-01-01T00:00:00.000Z"}',
    );
    expect(canonicalJson({ z: { y: 1, x: 2 } })).toBe(canonicalJson({ z: { x: 2, y: 1 } }));
  });

  it('the batch body is the canonical JSON of the batch, whatever its strings hold', () => {
    const odd: AuditBatchInput = {
      ...batch,
      operationName: null,
      requestId: 'a"b\\c\n\u2028 ünïcødé 🙂',
      records: [
        ...batch.records,
        {
          ...batch.records[0]!,
          args: '{"q":"\\"x\\""}',
          outcome: 'denied',
          errorCode: 'FORBIDDEN',
        },
      ],
    };
    for (const b of [batch, odd]) {
      expect(batchBody(b)).toBe(canonicalJson({ v: 1, ...b }));
    }
  });

  it('the hash depends on the previous hash, the position and every recorded value', () => {
    const h = linkHash(genesisHash, 1n, batchBody(batch));
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(linkHash(genesisHash, 1n, batchBody(structuredClone(batch)))).toBe(h);
    expect(linkHash('1'.repeat(64), 1n, batchBody(batch))).not.toBe(h);
    expect(linkHash(genesisHash, 2n, batchBody(batch))).not.toBe(h);
    const edits: ((b: AuditBatchInput) => void)[] = [
      (b) => (b.consentId = 'cns_2'),
      (b) => (b.records[0]!.outcome = 'denied'),
      (b) => (b.records[0]!.responsePath = 'accounts.0'),
      (b) => (b.records[0]!.at = new Date('2026-03-01T10:00:00.002Z')),
      (b) => b.records.push({ ...b.records[0]! }),
    ];
    for (const edit of edits) {
      const copy = structuredClone(batch);
      edit(copy);
      expect(linkHash(genesisHash, 1n, batchBody(copy))).not.toBe(h);
    }
  });
});
