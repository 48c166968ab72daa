import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuditStore,
  migrateAuditDb,
  pruneAudit,
  searchAudit,
  verifyArchives,
  verifyChain,
  type AuditPage,
} from '../../src/shared/audit/index.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';
import { makeBatch } from './support/batches.ts';
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
          .map((l) => JSON.parse(l) as { seq: string; hash: string; records: unknown[] });
        expect(lines.map((l) => l.seq)).toEqual(['3']);
        expect(lines[0]!.hash).toBe(result.anchor!.hash);
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
        await audit.db.$executeRawUnsafe(
          `UPDATE "AuditRecord" SET "fieldPath" = 'Query.me' WHERE "batchSeq" = 4 AND "idx" = 0`,
        );
        expect(await verifyChain(audit.db)).toMatchObject({ ok: false, seq: 4n });
        await expect(pruneAudit(audit, { before: new Date(now), archiveDir: dir })).rejects.toThrow(
          /Refusing to prune/,
        );
        await audit.db.$executeRawUnsafe(
          `UPDATE "AuditRecord" SET "fieldPath" = 'Query.accounts' WHERE "batchSeq" = 4 AND "idx" = 0`,
        );
        expect(await pruneAudit(audit, { before, archiveDir: dir })).toMatchObject({ batches: 0 });

        // An edited archive no longer proves the pruned history.
        const file = join(dir, 'audit-1-2.jsonl');
        writeFileSync(
          file,
          readFileSync(file, 'utf8').replace('"outcome":"ok"', '"outcome":"denied"'),
        );
        expect(await verifyArchives(dir, anchor)).toMatchObject({
          ok: false,
          file: 'audit-1-2.jsonl',
          seq: 1n,
          reason: expect.stringMatching(/hash/),
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
