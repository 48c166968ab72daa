import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allRecords,
  AuditStore,
  batchBody,
  canonicalJson,
  genesisHash,
  linkHash,
  migrateAuditDb,
  pruneAudit,
  searchAudit,
  sha256Hex,
  verifyArchives,
  verifyChain,
  type AuditBatchInput,
  type AuditFilter,
  type AuditOutcome,
  type AuditPage,
  type AuditRecordInput,
  type ChainLink,
} from '../../src/shared/audit/index.ts';
import { storedBody } from '../../src/shared/audit/chain.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';
import { makeBatch, packedOf, recordsOf } from './support/batches.ts';
import { breakRecordInserts } from './support/failure.ts';

const day = 86_400_000;
const now = Date.now();

for (const kind of storeKinds) {
  describe(`audit search, retention and atomicity on ${kind.provider}`, async () => {
    const available = await kind.available();
    if (!available) console.warn(`SKIPPED: audit search on ${kind.provider} (no server)`);
    let store: TestStore;
    let audit: AuditStore;

    beforeAll(async () => {
      if (!available) return;
      store = await kind.create();
      await migrateAuditDb(store.url);
      audit = AuditStore.open(store.url);
      // Old traffic first (the chain is in time order), then recent traffic of three parties.
      for (const age of [500, 450, 420]) {
        await audit.append(makeBatch({ at: new Date(now - age * day), consentId: 'cns_old' }));
      }
      await audit.append(makeBatch({ at: new Date(now - 2 * day), consentId: 'cns_a' }, 4));
      await audit.append(
        makeBatch({
          at: new Date(now - day),
          consentId: 'cns_b',
          psuId: 'psu_bob',
          principalId: 'psu_bob',
        }),
      );
      await audit.append(
        makeBatch(
          {
            at: new Date(now - 1000),
            principalKind: 'client',
            principalId: 'compliance-console',
            clientId: 'compliance-console',
            psuId: null,
            consentId: null,
            service: 'consent',
          },
          2,
        ),
      );
    });
    afterAll(async () => {
      if (!available) return;
      await audit.close();
      await store.drop();
    });

    const all = async (filter: Parameters<typeof searchAudit>[1], first = 2) => {
      const out: AuditPage['records'] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 50; pages++) {
        const page: AuditPage = await searchAudit(audit.db, filter, { first, after });
        out.push(...page.records);
        if (!page.hasNextPage) return out;
        after = page.endCursor;
      }
      throw new Error('paging did not end');
    };

    it.skipIf(!available)(
      'searches by consent, PSU, client, field path, outcome and time',
      async () => {
        expect((await all({ consentId: 'cns_a' })).map((r) => r.responsePath)).toEqual([
          'accounts.2.nickname',
          'accounts.1.nickname',
          'accounts.0.nickname',
          'accounts',
        ]);
        expect(new Set((await all({ psuId: 'psu_bob' })).map((r) => r.consentId))).toEqual(
          new Set(['cns_b']),
        );
        expect((await all({ clientId: 'compliance-console' })).map((r) => r.service)).toEqual([
          'consent',
          'consent',
        ]);
        expect(await all({ fieldPath: 'Query.accounts' })).toHaveLength(6);
        expect(await all({ fieldPath: 'Account.*' })).toHaveLength(12);
        expect(await all({ outcome: 'denied' })).toEqual([]);
        const window = await all({ from: new Date(now - 3 * day), to: new Date(now - day / 2) });
        expect(new Set(window.map((r) => r.consentId))).toEqual(new Set(['cns_a', 'cns_b']));
      },
    );

    it.skipIf(!available)('pages newest first by cursor without gaps or repeats', async () => {
      const paged = await all({}, 3);
      const whole = (await searchAudit(audit.db, {}, { first: 500 })).records;
      expect(paged.map((r) => r.cursor)).toEqual(whole.map((r) => r.cursor));
      expect(whole).toHaveLength(18);
      expect(whole[0]!.seq).toBe(6n);
      expect(whole.at(-1)).toMatchObject({ seq: 1n, idx: 0 });
      await expect(searchAudit(audit.db, {}, { first: 1, after: 'bogus' })).rejects.toThrow(
        /cursor/,
      );
    });

    it.skipIf(!available)(
      'archives and prunes past retention; the rest verifies from the anchor',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'lg-audit-archive-'));
        const before = new Date(now - 400 * day);
        // In slices of two batches: two archive files, the second chaining on from the first.
        const first = await pruneAudit(audit, { before, archiveDir: dir, maxBatches: 2 });
        expect(first).toMatchObject({ batches: 2, records: 6, anchor: { seq: 2n } });
        const result = await pruneAudit(audit, { before, archiveDir: dir, maxBatches: 2 });
        expect(result).toMatchObject({ batches: 1, records: 3, anchor: { seq: 3n } });
        const lines = readFileSync(result.archive!, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { seq: string; hash: string; records: string });
        expect(lines.map((l) => l.seq)).toEqual(['3']);
        expect(lines[0]!.hash).toBe(result.anchor!.hash);
        expect(lines[0]).toMatchObject({ format: 3, recordCount: 3, records: expect.any(String) });
        expect(await audit.db.auditFieldUse.count({ where: { batchSeq: { lte: 3n } } })).toBe(0);
        expect(await audit.db.auditBatch.count({ where: { seq: { lte: 3n } } })).toBe(0);
        expect(await verifyChain(audit.db)).toMatchObject({
          ok: true,
          batches: 3,
          from: { seq: 3n },
        });
        const anchor = await audit.db.auditAnchor.findUniqueOrThrow({ where: { id: 1 } });
        expect(await verifyArchives(dir, anchor)).toEqual({ ok: true, files: 2, batches: 3 });

        // Appends continue the chain, and tampering after the anchor is still caught.
        await audit.append(makeBatch());
        expect((await verifyChain(audit.db)).ok).toBe(true);
        // Record 0 of batch 4 becomes a call of another field.
        await audit.db.$executeRawUnsafe(
          `UPDATE "AuditBatch" SET "records" = replace("records", '"Query.accounts"', '"Query.me"') WHERE "seq" = 4`,
        );
        expect(await verifyChain(audit.db)).toMatchObject({ ok: false, seq: 4n });
        await expect(pruneAudit(audit, { before: new Date(now), archiveDir: dir })).rejects.toThrow(
          /Refusing to prune/,
        );
        await audit.db.$executeRawUnsafe(
          `UPDATE "AuditBatch" SET "records" = replace("records", '"Query.me"', '"Query.accounts"') WHERE "seq" = 4`,
        );
        expect(await pruneAudit(audit, { before, archiveDir: dir })).toMatchObject({ batches: 0 });

        // An edited archive no longer proves the pruned history.
        const file = join(dir, 'audit-1-2.jsonl');
        writeFileSync(
          file,
          readFileSync(file, 'utf8').replace('accounts.0.nickname', 'accounts.9.nickname'),
        );
        expect(await verifyArchives(dir, anchor)).toMatchObject({
          ok: false,
          file: 'audit-1-2.jsonl',
          seq: 1n,
          reason: expect.stringMatching(/digest/),
        });
      },
    );

    it.skipIf(!available)(
      'writes a batch wholly or not at all: a failed insert leaves no trace',
      async () => {
        const before = await audit.head();
        const repair = await breakRecordInserts(audit.db, kind.provider);
        await expect(audit.append(makeBatch({ requestId: 'req-lost' }))).rejects.toThrow();
        await repair();
        expect(await audit.db.auditBatch.count({ where: { requestId: 'req-lost' } })).toBe(0);
        expect(await audit.head()).toEqual(before);
        const link = await audit.append(makeBatch());
        expect(link.seq).toBe(before.seq + 1n);
        expect((await verifyChain(audit.db)).ok).toBe(true);
      },
    );
  });
}

/** A batch of the given calls (one a millisecond from `at`), otherwise as makeBatch makes it. */
function batchOf(
  at: Date,
  calls: Omit<AuditRecordInput, 'at'>[],
  overrides: Partial<Omit<AuditBatchInput, 'records'>> = {},
): AuditBatchInput {
  return {
    ...makeBatch({ ...overrides, at }, 0),
    records: packedOf(calls, at.getTime()),
  };
}

const call = (
  fieldPath: string,
  responsePath: string,
  outcome: AuditOutcome = 'ok',
  errorCode: string | null = outcome === 'ok' ? null : 'FORBIDDEN',
): Omit<AuditRecordInput, 'at'> => ({ fieldPath, responsePath, args: null, outcome, errorCode });

/** A dashboard-sized request: every third call a balance, every ninth one denied. */
const bigCalls = Array.from({ length: 1200 }, (_, i) =>
  i === 0
    ? call('Query.accounts', 'accounts')
    : i % 3 === 0
      ? call('Account.balance', `accounts.${i}.balance`, i % 9 === 0 ? 'denied' : 'ok')
      : call('Account.nickname', `accounts.${i}.nickname`),
);

for (const kind of storeKinds) {
  describe(`audit search over packed batches on ${kind.provider}`, async () => {
    const available = await kind.available();
    if (!available) console.warn(`SKIPPED: packed audit search on ${kind.provider} (no server)`);
    let store: TestStore;
    let audit: AuditStore;
    /** Every stored record as search should show it, oldest first. */
    const stored: (AuditRecordInput & { seq: bigint; idx: number; consentId: string | null })[] =
      [];

    beforeAll(async () => {
      if (!available) return;
      store = await kind.create();
      await migrateAuditDb(store.url);
      audit = AuditStore.open(store.url);
      const batches = [
        batchOf(new Date(now - 5000), [
          call('Query.accounts', 'accounts'),
          call('Account.nickname', 'accounts.0.nickname'),
          call('Account.balance', 'accounts.0.balance', 'denied'),
          call('Account.nickname', 'accounts.1.nickname'),
          call('Account.balance', 'accounts.1.balance'),
        ]),
        makeBatch({ at: new Date(now - 4000), consentId: 'cns_other' }),
        batchOf(new Date(now - 3000), bigCalls),
        batchOf(new Date(now - 2000), [
          call('Query.accounts', 'accounts'),
          call('Account.balance', 'accounts.0.balance', 'error', 'UPSTREAM_UNAVAILABLE'),
          call('Account.nickname', 'accounts.0.nickname'),
          call('Account.balance', 'accounts.1.balance'),
        ]),
        makeBatch({ at: new Date(now - 1000) }),
      ];
      for (const batch of batches) {
        const { seq } = await audit.append(batch);
        stored.push(
          ...recordsOf(batch).map((r, idx) => ({ ...r, seq, idx, consentId: batch.consentId })),
        );
      }
    });
    afterAll(async () => {
      if (!available) return;
      await audit.close();
      await store.drop();
    });

    const key = (r: { seq: bigint; idx: number; fieldPath: string; outcome: string }) =>
      `${r.seq}:${r.idx} ${r.fieldPath} ${r.outcome}`;
    /** What a search must find, in page order. */
    const expected = (keep: (r: (typeof stored)[number]) => boolean, order: 'asc' | 'desc') => {
      const found = stored.filter(keep).map(key);
      return order === 'asc' ? found : found.reverse();
    };
    /** Every page of a search, by size. */
    const pages = async (filter: AuditFilter, first: number, order: 'asc' | 'desc' = 'desc') => {
      const out: AuditPage[] = [];
      let after: string | null = null;
      for (let n = 0; n < 100; n++) {
        const page: AuditPage = await searchAudit(audit.db, filter, { first, after, order });
        out.push(page);
        if (!page.hasNextPage) return out;
        after = page.endCursor;
      }
      throw new Error('paging did not end');
    };
    const keys = (ps: AuditPage[]) => ps.flatMap((p) => p.records.map(key));

    it.skipIf(!available)('pages of 500 run through a batch of 1200 records', async () => {
      const all = await pages({}, 500);
      expect(all.map((p) => p.records.length)).toEqual([500, 500, 215]);
      expect(keys(all)).toEqual(expected(() => true, 'desc'));
      // The first page ends inside the big batch, and the next page goes on from there.
      expect(all[0]!.records.at(-1)).toMatchObject({ seq: 3n, idx: 1200 - 493 });
      expect(all[1]!.records[0]).toMatchObject({ seq: 3n, idx: 1200 - 494 });
      expect(keys(await pages({}, 500, 'asc'))).toEqual(expected(() => true, 'asc'));
      const record = all[1]!.records.find((r) => r.idx === 600)!;
      expect(record.recordAt.getTime() - record.at.getTime()).toBe(600);
      expect(record).toMatchObject({
        responsePath: 'accounts.600.balance',
        at: new Date(now - 3000),
      });
    });

    it.skipIf(!available)(
      'finds a field path only where it was called, across batches',
      async () => {
        const balance = (r: { fieldPath: string }) => r.fieldPath === 'Account.balance';
        const whole = await pages({ fieldPath: 'Account.balance' }, 500);
        expect(whole.map((p) => p.records.length)).toEqual([2 + 399 + 2]);
        expect(keys(whole)).toEqual(expected(balance, 'desc'));
        // Pages of 100 cross from batch 4 into the big one, and from it into batch 1.
        const small = await pages({ fieldPath: 'Account.balance' }, 100);
        expect(small.map((p) => p.records.length)).toEqual([100, 100, 100, 100, 3]);
        expect(keys(small)).toEqual(expected(balance, 'desc'));
        expect(new Set(small[0]!.records.map((r) => r.seq))).toEqual(new Set([4n, 3n]));
        expect(new Set(small[4]!.records.map((r) => r.seq))).toEqual(new Set([3n, 1n]));

        const accounts = (r: { fieldPath: string }) => r.fieldPath.startsWith('Account.');
        expect(keys(await pages({ fieldPath: 'Account.*' }, 500, 'asc'))).toEqual(
          expected(accounts, 'asc'),
        );
        expect(keys(await pages({ fieldPath: 'Account' }, 500))).toEqual([]);
        // Field paths are case-sensitive, also where the store's LIKE is not.
        expect(keys(await pages({ fieldPath: 'account.*' }, 500))).toEqual([]);
        expect(keys(await pages({ fieldPath: 'Account.Balance' }, 500))).toEqual([]);
      },
    );

    it.skipIf(!available)(
      'finds an outcome across batches, alone or with other criteria',
      async () => {
        const denied = await pages({ outcome: 'denied' }, 7, 'asc');
        expect(keys(denied)).toEqual(expected((r) => r.outcome === 'denied', 'asc'));
        expect(keys(denied)).toHaveLength(1 + 133);
        expect(denied[0]!.records.map((r) => r.seq)).toEqual([1n, 3n, 3n, 3n, 3n, 3n, 3n]);
        expect(keys(await pages({ outcome: 'error' }, 500))).toEqual(['4:1 Account.balance error']);
        expect((await pages({ outcome: 'error' }, 1))[0]!.records[0]).toMatchObject({
          errorCode: 'UPSTREAM_UNAVAILABLE',
        });
        expect(keys(await pages({ outcome: 'started' }, 500))).toEqual([]);
        const okNicknames = await pages(
          { fieldPath: 'Account.*', outcome: 'ok', consentId: 'cns_1' },
          300,
          'asc',
        );
        expect(keys(okNicknames)).toEqual(
          expected(
            (r) =>
              r.fieldPath.startsWith('Account.') && r.outcome === 'ok' && r.consentId === 'cns_1',
            'asc',
          ),
        );
      },
    );

    it.skipIf(!available)('clamps page sizes and exports every match oldest first', async () => {
      expect(await searchAudit(audit.db, {}, { first: 0 })).toEqual({
        records: [],
        hasNextPage: true,
        endCursor: null,
      });
      expect((await searchAudit(audit.db, {}, { first: 10_000 })).records).toHaveLength(500);
      const exported = [];
      for await (const r of allRecords(audit.db, {}, 100)) exported.push(key(r));
      expect(exported).toEqual(expected(() => true, 'asc'));
      const balances = [];
      for await (const r of allRecords(audit.db, { fieldPath: 'Account.balance' }))
        balances.push(key(r));
      expect(balances).toEqual(expected((r) => r.fieldPath === 'Account.balance', 'asc'));
    });
  });
}

describe('audit archives of both shapes', () => {
  const at = new Date('2024-03-01T10:00:00.000Z');
  const withoutRecords = ({ records: _r, ...info }: AuditBatchInput) => info;

  /** A line as prune wrote it before records were packed: a record object each. */
  function rowLine(prev: ChainLink, batch: AuditBatchInput) {
    const seq = prev.seq + 1n;
    const records = recordsOf(batch);
    const hash = linkHash(prev.hash, seq, batchBody({ ...batch, records }));
    const line = canonicalJson({
      seq,
      prevHash: prev.hash,
      hash,
      ...withoutRecords(batch),
      recordCount: records.length,
      records: records.map((r, idx) => ({ batchSeq: seq, idx, ...r })),
    });
    return { line, link: { seq, hash } };
  }

  /** A line as prune writes it now: the stored row, records packed in format 1 or 2. */
  function packedLine(prev: ChainLink, batch: AuditBatchInput, format: 1 | 2) {
    const seq = prev.seq + 1n;
    const records =
      format === 2
        ? batch.records.text
        : JSON.stringify(
            recordsOf(batch).map((r) => [
              r.at.toISOString(),
              r.fieldPath,
              r.responsePath,
              r.args,
              r.outcome,
              r.errorCode,
            ]),
          );
    const row = { ...withoutRecords(batch), recordCount: batch.records.count, format, records };
    const hash = linkHash(prev.hash, seq, storedBody(row));
    return { line: canonicalJson({ seq, prevHash: prev.hash, hash, ...row }), link: { seq, hash } };
  }

  function archiveDir() {
    const dir = mkdtempSync(join(tmpdir(), 'lg-audit-archive-shapes-'));
    const first = rowLine({ seq: 0n, hash: genesisHash }, makeBatch({ at }));
    const second = rowLine(first.link, makeBatch({ at }, 4));
    const third = packedLine(second.link, makeBatch({ at }, 5), 2);
    const fourth = packedLine(third.link, makeBatch({ at }, 2), 1);
    writeFileSync(join(dir, 'audit-1-2.jsonl'), `${first.line}\n${second.line}\n`);
    const last = `${third.line}\n${fourth.line}\n`;
    writeFileSync(join(dir, 'audit-3-4.jsonl'), last);
    return { dir, anchor: { ...fourth.link, archiveSha256: sha256Hex(last) } };
  }

  it('verifies archives written before records were packed alongside later ones', async () => {
    const { dir, anchor } = archiveDir();
    expect(await verifyArchives(dir, anchor)).toEqual({ ok: true, files: 2, batches: 4 });
  });

  it('catches an edited or shortened line of either shape', async () => {
    const edit = async (file: string, change: (text: string) => string) => {
      const { dir, anchor } = archiveDir();
      writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
      return verifyArchives(dir, anchor);
    };
    expect(
      await edit('audit-1-2.jsonl', (t) => t.replace('"outcome":"ok"', '"outcome":"denied"')),
    ).toMatchObject({ ok: false, seq: 1n, reason: expect.stringMatching(/hash/) });
    expect(
      await edit('audit-1-2.jsonl', (t) =>
        t.replace(/\{"args":null,[^}]*"batchSeq":"2"[^}]*"idx":2[^}]*\},/, ''),
      ),
    ).toMatchObject({ ok: false, seq: 2n, reason: expect.stringMatching(/missing/) });
    expect(
      await edit('audit-3-4.jsonl', (t) => t.replace('accounts.3.nickname', 'accounts.7.nickname')),
    ).toMatchObject({ ok: false, seq: 3n, reason: expect.stringMatching(/hash/) });
    expect(
      await edit('audit-3-4.jsonl', (t) => t.replace('"recordCount":2', '"recordCount":1')),
    ).toMatchObject({ ok: false, seq: 4n, reason: expect.stringMatching(/missing/) });
    expect(await edit('audit-3-4.jsonl', (t) => `${t}not json\n`)).toMatchObject({
      ok: false,
      seq: 5n,
      reason: expect.stringMatching(/not an archived batch/),
    });
  });
});
