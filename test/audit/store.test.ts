import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditStore, migrateAuditDb, verifyChain } from '../../src/shared/audit/index.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';
import { makeBatch } from './support/batches.ts';

for (const kind of storeKinds) {
  describe(`audit store on ${kind.provider}`, async () => {
    const available = await kind.available();
    if (!available) console.warn(`SKIPPED: audit store on ${kind.provider} (no server)`);
    let store: TestStore;
    let audit: AuditStore;

    beforeAll(async () => {
      if (!available) return;
      store = await kind.create();
      expect(await migrateAuditDb(store.url)).toEqual([
        '0001_init.sql',
        '0002_append_function.sql',
      ]);
      audit = AuditStore.open(store.url);
    });
    afterAll(async () => {
      if (!available) return;
      await audit.close();
      await store.drop();
    });

    /** Raw SQL on the store, as an attacker with database access would run it. */
    const sql = (text: string) => audit.db.$executeRawUnsafe(text);

    it.skipIf(!available)(
      'appends concurrent batches as one gapless chain that verifies',
      async () => {
        const links = await Promise.all(
          Array.from({ length: 40 }, () => audit.append(makeBatch())),
        );
        expect(links.map((l) => l.seq).sort((a, b) => Number(a - b))).toEqual(
          Array.from({ length: 40 }, (_, i) => BigInt(i + 1)),
        );
        const result = await verifyChain(audit.db);
        expect(result).toMatchObject({ ok: true, batches: 40, records: 120 });
        expect(await audit.head()).toEqual(links.find((l) => l.seq === 40n));
      },
    );

    it.skipIf(!available)(
      'stores any text exactly as hashed (quotes, control characters, emoji)',
      async () => {
        const odd = makeBatch({ requestId: 'odd "\u0001\n\\ 🙂 ünï' }, 1);
        odd.records[0]!.args = JSON.stringify({ note: 'a\u0001b "q" \\ 🙂' });
        const link = await audit.append(odd);
        const stored = await audit.db.auditBatch.findUniqueOrThrow({
          where: { seq: link.seq },
          include: { records: true },
        });
        expect(stored.requestId).toBe(odd.requestId);
        expect(stored.records[0]!.args).toBe(odd.records[0]!.args);
        expect((await verifyChain(audit.db)).ok).toBe(true);
        await sql(`DELETE FROM "AuditRecord" WHERE "batchSeq" = ${link.seq}`);
        await sql(`DELETE FROM "AuditBatch" WHERE "seq" = ${link.seq}`);
        await sql(
          `UPDATE "AuditHead" SET "seq" = 40, "hash" = (SELECT "hash" FROM "AuditBatch" WHERE "seq" = 40)`,
        );
      },
    );

    it.skipIf(!available)('verify names the batch whose record was edited', async () => {
      await sql(
        `UPDATE "AuditRecord" SET "outcome" = 'ok', "errorCode" = NULL, "args" = '{"first":99}' WHERE "batchSeq" = 7 AND "idx" = 0`,
      );
      expect(await verifyChain(audit.db)).toMatchObject({
        ok: false,
        seq: 7n,
        reason: expect.stringMatching(/edited/),
      });
      await sql(
        `UPDATE "AuditRecord" SET "args" = '{"first":10}' WHERE "batchSeq" = 7 AND "idx" = 0`,
      );
      expect((await verifyChain(audit.db)).ok).toBe(true);
    });

    it.skipIf(!available)('verify names the batch whose request details were edited', async () => {
      await sql(`UPDATE "AuditBatch" SET "consentId" = 'cns_other' WHERE "seq" = 12`);
      expect(await verifyChain(audit.db)).toMatchObject({ ok: false, seq: 12n });
      await sql(`UPDATE "AuditBatch" SET "consentId" = 'cns_1' WHERE "seq" = 12`);
    });

    it.skipIf(!available)('verify names the batch a record was deleted from', async () => {
      const row = await audit.db.auditRecord.findUniqueOrThrow({
        where: { batchSeq_idx: { batchSeq: 9n, idx: 2 } },
      });
      await sql(`DELETE FROM "AuditRecord" WHERE "batchSeq" = 9 AND "idx" = 2`);
      expect(await verifyChain(audit.db)).toMatchObject({
        ok: false,
        seq: 9n,
        reason: expect.stringMatching(/holds 2 records/),
      });
      await audit.db.auditRecord.create({ data: row });
      expect((await verifyChain(audit.db)).ok).toBe(true);
    });

    it.skipIf(!available)(
      'verify names a deleted batch in the middle and at the tail',
      async () => {
        const keep = await audit.db.auditBatch.findUniqueOrThrow({
          where: { seq: 20n },
          include: { records: true },
        });
        await sql(`DELETE FROM "AuditRecord" WHERE "batchSeq" = 20`);
        await sql(`DELETE FROM "AuditBatch" WHERE "seq" = 20`);
        expect(await verifyChain(audit.db)).toMatchObject({
          ok: false,
          seq: 20n,
          reason: expect.stringMatching(/missing/),
        });
        const { records, ...batch } = keep;
        await audit.db.auditBatch.create({ data: batch });
        await audit.db.auditRecord.createMany({ data: records });
        expect((await verifyChain(audit.db)).ok).toBe(true);

        await sql(`DELETE FROM "AuditRecord" WHERE "batchSeq" = 40`);
        await sql(`DELETE FROM "AuditBatch" WHERE "seq" = 40`);
        expect(await verifyChain(audit.db)).toMatchObject({
          ok: false,
          seq: 40n,
          reason: expect.stringMatching(/tail/),
        });
      },
    );

    it.skipIf(!available)('refuses to append on a chain whose head row was removed', async () => {
      await sql(`DELETE FROM "AuditHead"`);
      await expect(audit.append(makeBatch())).rejects.toThrow(/head is missing/);
    });
  });
}
