/**
 * Erasing a PSU's audit records (GDPR art. 17) on SQLite and PostgreSQL: the chain still
 * verifies afterwards, and still catches tampering, with erased batches included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuditStore,
  eraseAuditRecords,
  migrateAuditDb,
  searchAudit,
  verifyChain,
} from '../../src/shared/audit/index.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';
import { makeBatch } from './support/batches.ts';

const erasure = (psuId: string) => ({
  psuId,
  at: new Date(),
  by: 'dpo',
  requestId: `erase-${psuId}`,
});

for (const kind of storeKinds) {
  describe(`audit erasure on ${kind.provider}`, async () => {
    const available = await kind.available();
    if (!available) console.warn(`SKIPPED: audit erasure on ${kind.provider} (no server)`);
    let store: TestStore;
    let audit: AuditStore;
    const sql = (text: string) => audit.db.$executeRawUnsafe(text);

    beforeAll(async () => {
      if (!available) return;
      store = await kind.create();
      await migrateAuditDb(store.url);
      audit = AuditStore.open(store.url);
      // 1–3 alice, 4–5 bob, 6 alice again as a PSU signed in (no consent).
      for (let i = 0; i < 3; i++) await audit.append(makeBatch({ jurisdiction: 'UK' }));
      for (let i = 0; i < 2; i++)
        await audit.append(
          makeBatch({ principalId: 'psu_bob', psuId: 'psu_bob', consentId: 'cns_2' }),
        );
      await audit.append(
        makeBatch({ principalKind: 'psu', principalId: 'psu_alice', psuId: null, consentId: null }),
      );
    });
    afterAll(async () => {
      if (!available) return;
      await audit.close();
      await store.drop();
    });

    it.skipIf(!available)('tampering with a batch that was not erased is caught', async () => {
      await sql(
        `UPDATE "AuditBatch" SET "records" = replace("records", ':10}', ':11}') WHERE "seq" = 4`,
      );
      expect(await verifyChain(audit.db)).toMatchObject({ ok: false, seq: 4n });
      await sql(
        `UPDATE "AuditBatch" SET "records" = replace("records", ':11}', ':10}') WHERE "seq" = 4`,
      );
      expect(await verifyChain(audit.db)).toMatchObject({ ok: true, batches: 6 });
    });

    it.skipIf(!available)(
      'erasing a PSU blanks their batches, keeps ids, digests and hashes, and the chain verifies',
      async () => {
        const before = await audit.db.auditBatch.findMany({ orderBy: { seq: 'asc' } });
        const result = await eraseAuditRecords(audit, erasure('psu_alice'));
        expect(result).toMatchObject({ erased: 4, kept: 0, record: { seq: 7n } });
        const after = await audit.db.auditBatch.findMany({ orderBy: { seq: 'asc' } });
        const alice = [1, 2, 3, 6].map((s) => after[s - 1]!);
        for (const b of alice) {
          expect(b.records).toBe('');
          expect(b.erasedAt).not.toBeNull();
          const was = before[Number(b.seq) - 1]!;
          expect([b.hash, b.recordsDigest, b.psuId, b.principalId]).toEqual([
            was.hash,
            was.recordsDigest,
            was.psuId,
            was.principalId,
          ]);
        }
        // Bob's batches are untouched; the erasure itself is a record of the chain.
        expect(after[3]!.records).toBe(before[3]!.records);
        expect(after[6]).toMatchObject({ service: 'erasure', psuId: 'psu_alice', erasedAt: null });
        expect(
          await audit.db.auditFieldUse.count({ where: { batchSeq: { in: [1n, 2n, 3n, 6n] } } }),
        ).toBe(0);
        expect(await verifyChain(audit.db)).toMatchObject({ ok: true, batches: 7 });
        // Tampering with a batch that was not erased is still caught after the erasure.
        await sql(
          `UPDATE "AuditBatch" SET "records" = replace("records", ':10}', ':11}') WHERE "seq" = 4`,
        );
        expect(await verifyChain(audit.db)).toMatchObject({ ok: false, seq: 4n });
        await sql(
          `UPDATE "AuditBatch" SET "records" = replace("records", ':11}', ':10}') WHERE "seq" = 4`,
        );
        // Search no longer finds any of alice's calls, only the erasure.
        const found = await searchAudit(audit.db, { psuId: 'psu_alice' }, { first: 50 });
        expect(found.records.map((r) => r.fieldPath)).toEqual(['Security.psuErased']);
        // Erasing again erases nothing more, and appends another erasure record.
        expect(await eraseAuditRecords(audit, erasure('psu_alice'))).toMatchObject({ erased: 0 });
        expect(await verifyChain(audit.db)).toMatchObject({ ok: true, batches: 8 });
      },
    );

    it.skipIf(!available)('tampering with an erased batch’s digest is caught', async () => {
      const { recordsDigest } = await audit.db.auditBatch.findUniqueOrThrow({ where: { seq: 2n } });
      await sql(`UPDATE "AuditBatch" SET "recordsDigest" = '${'0'.repeat(64)}' WHERE "seq" = 2`);
      expect(await verifyChain(audit.db)).toMatchObject({
        ok: false,
        seq: 2n,
        reason: expect.stringMatching(/does not match its hash/),
      });
      await sql(`UPDATE "AuditBatch" SET "recordsDigest" = '${recordsDigest}' WHERE "seq" = 2`);
      // Or its header.
      await sql(`UPDATE "AuditBatch" SET "jurisdiction" = 'EU' WHERE "seq" = 2`);
      expect(await verifyChain(audit.db)).toMatchObject({ ok: false, seq: 2n });
      await sql(`UPDATE "AuditBatch" SET "jurisdiction" = 'UK' WHERE "seq" = 2`);
      expect((await verifyChain(audit.db)).ok).toBe(true);
    });

    it.skipIf(!available)(
      'records blanked in the database without an erasure record are caught',
      async () => {
        const bob = await audit.db.auditBatch.findUniqueOrThrow({ where: { seq: 5n } });
        const uses = await audit.db.auditFieldUse.findMany({ where: { batchSeq: 5n } });
        await sql(`DELETE FROM "AuditFieldUse" WHERE "batchSeq" = 5`);
        await audit.db.auditBatch.update({
          where: { seq: 5n },
          data: { records: '', erasedAt: new Date() },
        });
        expect(await verifyChain(audit.db)).toMatchObject({
          ok: false,
          seq: 5n,
          reason: expect.stringMatching(/no later erasure record/),
        });
        await audit.db.auditBatch.update({
          where: { seq: 5n },
          data: { records: bob.records, erasedAt: null },
        });
        await audit.db.auditFieldUse.createMany({ data: uses });
        expect((await verifyChain(audit.db)).ok).toBe(true);
      },
    );
  });
}
