import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../../src/shared/audit/canonical.ts';
import {
  batchBody,
  batchHeader,
  genesisHash,
  linkHash,
  recordsDigestOf,
  storedBody,
  type FormatOneBatch,
  type StoredBatch,
} from '../../src/shared/audit/chain.ts';
import { CallLog, fieldId, pathNode } from '../../src/shared/audit/call-log.ts';
import { unpackRecords } from '../../src/shared/audit/records.ts';
import type { AuditRecordInput } from '../../src/shared/audit/types.ts';
import { aliceDashboard, packedOf } from './support/batches.ts';

const request = {
  ...aliceDashboard,
  at: new Date('2026-03-01T10:00:00.000Z'),
  requestId: 'req-1',
};
const record: AuditRecordInput = {
  at: new Date('2026-03-01T10:00:00.001Z'),
  fieldPath: 'Query.accounts',
  responsePath: 'accounts',
  args: null,
  outcome: 'ok',
  errorCode: null,
};
const formatOne: FormatOneBatch = { ...request, records: [record] };

/** A format-2 batch as the store holds it. */
function stored(records = [record]): StoredBatch {
  const packed = packedOf(records, request.at.getTime() + 1);
  return { ...request, format: 2, recordCount: packed.count, records: packed.text };
}

describe('audit hash chain format', () => {
  it('canonical JSON sorts keys, drops undefined, writes dates and bigints as strings', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 2n], c: undefined, d: new Date(0) })).toBe(
      '{"a":[true,null,"2"],"b":1,"d":"1970-01-01T00:00:00.000Z"}',
    );
    expect(canonicalJson({ z: { y: 1, x: 2 } })).toBe(canonicalJson({ z: { x: 2, y: 1 } }));
  });

  it('format 1: the body is the canonical JSON of the batch, whatever its strings hold', () => {
    const odd: FormatOneBatch = {
      ...formatOne,
      operationName: null,
      requestId: 'a"b\\c\n\u2028 ünïcødé 🙂',
      records: [
        record,
        { ...record, args: '{"q":"\\"x\\""}', outcome: 'denied', errorCode: 'FORBIDDEN' },
      ],
    };
    for (const b of [formatOne, odd]) {
      expect(batchBody(b)).toBe(canonicalJson({ v: 1, ...b }));
    }
  });

  it('format 1: a converted batch (records as migration 0003 lists them) hashes as before', () => {
    const converted: StoredBatch = {
      ...request,
      format: 1,
      recordCount: 1,
      // SQLite's stored date text, as the conversion copies it.
      records: JSON.stringify([
        ['2026-03-01T10:00:00.001+00:00', 'Query.accounts', 'accounts', null, 'ok', null],
      ]),
    };
    expect(storedBody(converted)).toBe(batchBody(formatOne));
  });

  it('format 2: the body is the canonical header, a newline and the packed records', () => {
    const b = stored();
    expect(storedBody(b)).toBe(`${batchHeader(b, 2)}\n${b.records}`);
    expect(JSON.parse(batchHeader(b, 2))).toEqual({
      ...JSON.parse(canonicalJson(request)),
      format: 2,
      recordCount: 1,
    });
  });

  it('format 3: the body is the header with the jurisdiction, a newline and the records digest', () => {
    const two = stored();
    const b: StoredBatch = {
      ...two,
      format: 3,
      jurisdiction: 'UK',
      recordsDigest: recordsDigestOf(two.records),
    };
    expect(storedBody(b)).toBe(`${batchHeader(b, 3)}\n${sha256Hex(two.records)}`);
    expect(JSON.parse(batchHeader(b, 3))).toEqual({
      ...JSON.parse(canonicalJson(request)),
      format: 3,
      jurisdiction: 'UK',
      recordCount: 1,
    });
    // What erasure relies on: the body does not hold the records, only their digest.
    expect(storedBody({ ...b, records: '' })).toBe(storedBody(b));
    expect(storedBody({ ...b, jurisdiction: 'EU' })).not.toBe(storedBody(b));
    expect(storedBody({ ...b, recordsDigest: sha256Hex('x') })).not.toBe(storedBody(b));
    expect(JSON.parse(batchHeader({ ...b, jurisdiction: undefined }, 3))).toMatchObject({
      jurisdiction: null,
    });
  });

  it('the hash depends on the previous hash, the position and every recorded value', () => {
    const b = stored();
    const h = linkHash(genesisHash, 1n, storedBody(b));
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(linkHash(genesisHash, 1n, storedBody(structuredClone(b)))).toBe(h);
    expect(linkHash('1'.repeat(64), 1n, storedBody(b))).not.toBe(h);
    expect(linkHash(genesisHash, 2n, storedBody(b))).not.toBe(h);
    const edits: ((b: StoredBatch) => void)[] = [
      (b) => (b.consentId = 'cns_2'),
      (b) => (b.recordCount = 2),
      (b) => (b.records = stored([{ ...record, outcome: 'denied' }]).records),
      (b) => (b.records = stored([{ ...record, responsePath: 'accounts.0' }]).records),
      (b) => (b.records = stored([record, record]).records),
    ];
    for (const edit of edits) {
      const copy = structuredClone(b);
      edit(copy);
      expect(linkHash(genesisHash, 1n, storedBody(copy))).not.toBe(h);
    }
  });
});

describe('packed records', () => {
  it('give back every record whole: paths below parents and lists, args, outcomes, times', () => {
    // Response paths as graphql-js links them: each field's node points at its parent's.
    const root = { prev: undefined, key: 'accounts', typename: 'Query' };
    const item = { prev: root, key: 0, typename: undefined };
    const balances = { prev: item, key: 'balances', typename: 'Account' };
    const entities = { prev: undefined, key: '_entities', typename: 'Query' };
    const t0 = Date.UTC(2026, 2, 1, 10);
    const log = new CallLog(t0);
    log.add(fieldId('Query.accounts'), root, '{"first":2}', t0);
    log.add(fieldId('Account.balances'), balances, null, t0 + 5);
    log.add(fieldId('Query._entities'), entities, null, t0 + 10);
    log.add(
      fieldId('Account.__resolveReference'),
      pathNode(entities, 3),
      '{"id":"a\\"1"}',
      t0 + 15,
    );
    const failures = new Map([
      ['accounts.0.balances', { outcome: 'denied' as const, errorCode: 'FORBIDDEN' }],
    ]);
    const packed = log.pack(failures);
    expect(packed.count).toBe(4);
    expect(packed.uses).toEqual([
      ['Query.accounts', 'ok', 1],
      ['Query._entities', 'ok', 1],
      ['Account.__resolveReference', 'ok', 1],
      ['Account.balances', 'denied', 1],
    ]);
    expect(unpackRecords(2, packed.text, new Date(t0))).toEqual([
      {
        at: new Date(t0),
        fieldPath: 'Query.accounts',
        responsePath: 'accounts',
        args: '{"first":2}',
        outcome: 'ok',
        errorCode: null,
      },
      {
        at: new Date(t0 + 5),
        fieldPath: 'Account.balances',
        responsePath: 'accounts.0.balances',
        args: null,
        outcome: 'denied',
        errorCode: 'FORBIDDEN',
      },
      {
        at: new Date(t0 + 10),
        fieldPath: 'Query._entities',
        responsePath: '_entities',
        args: null,
        outcome: 'ok',
        errorCode: null,
      },
      {
        at: new Date(t0 + 15),
        fieldPath: 'Account.__resolveReference',
        responsePath: '_entities.3',
        args: '{"id":"a\\"1"}',
        outcome: 'ok',
        errorCode: null,
      },
    ]);
  });

  it('keep aliases, lists in lists and odd keys in the path', () => {
    const t0 = Date.UTC(2026, 2, 1, 10);
    const mine = { prev: undefined, key: 'mine', typename: 'Query' };
    const row = { prev: { prev: mine, key: 0, typename: undefined }, key: 1, typename: undefined };
    const log = new CallLog(t0);
    log.add(fieldId('Query.accounts'), mine, null, t0);
    log.add(fieldId('Account.id'), { prev: row, key: 'id', typename: 'Account' }, null, t0);
    log.add(fieldId('Account.id'), { prev: row, key: 'ident', typename: 'Account' }, null, t0);
    log.add(fieldId('Account.__resolveReference'), pathNode(mine, '?'), null, t0);
    const failures = new Map([['mine.0.1.ident', { outcome: 'error' as const, errorCode: null }]]);
    const records = unpackRecords(2, log.pack(failures).text, new Date(t0));
    expect(records.map((r) => [r.fieldPath, r.responsePath, r.outcome, r.errorCode])).toEqual([
      ['Query.accounts', 'mine', 'ok', null],
      ['Account.id', 'mine.0.1.id', 'ok', null],
      ['Account.id', 'mine.0.1.ident', 'error', null],
      ['Account.__resolveReference', 'mine.?', 'ok', null],
    ]);
  });

  it('refuse a records column that is not what was written', () => {
    const at = new Date();
    expect(() => unpackRecords(2, '{"fields":[', at)).toThrow(/not JSON/);
    expect(() => unpackRecords(2, '{"fields":[],"records":[[-1,"a",0,0]]}', at)).toThrow(/outside/);
    expect(() => unpackRecords(2, '{"fields":["A.b"],"records":[[0,"a",0,0]]}', at)).toThrow(
      /outside/,
    );
    expect(() => unpackRecords(4, '[]', at)).toThrow(/format 4/);
  });
});
