import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditStore, migrateAuditDb, verifyChain } from '../../src/shared/audit/index.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';
import { unpackRecords } from '../../src/shared/audit/records.ts';
import { makeBatch, packedOf } from './support/batches.ts';

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
        '0003_packed_records.sql',
        '0004_records_lz4.sql',
        '0005_format3_digest_jurisdiction.sql',
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
        const args = JSON.stringify({ note: 'a\u0001b "q" \\ 🙂' });
        const at = new Date();
        const odd = {
          ...makeBatch({ requestId: 'odd "\u0001\n\\ 🙂 ünï', at }),
          records: packedOf(
            [{ fieldPath: 'Query.x', responsePath: 'x', args, outcome: 'ok', errorCode: null }],
            at.getTime(),
          ),
        };
        const link = await audit.append(odd);
        const stored = await audit.db.auditBatch.findUniqueOrThrow({ where: { seq: link.seq } });
        expect(stored.requestId).toBe(odd.requestId);
        expect(stored.records).toBe(odd.records.text);
        expect(unpackRecords(stored.format, stored.records, stored.at)[0]!.args).toBe(args);
        expect((await verifyChain(audit.db)).ok).toBe(true);
        await sql(`DELETE FROM "AuditFieldUse" WHERE "batchSeq" = ${link.seq}`);
        await sql(`DELETE FROM "AuditBatch" WHERE "seq" = ${link.seq}`);
        await sql(
          `UPDATE "AuditHead" SET "seq" = 40, "hash" = (SELECT "hash" FROM "AuditBatch" WHERE "seq" = 40)`,
        );
      },
    );

    /** Rewrites a batch's records column through `edit`, returning the original. */
    async function editRecords(seq: number, edit: (text: string) => string) {
      const { records } = await audit.db.auditBatch.findUniqueOrThrow({
        where: { seq: BigInt(seq) },
      });
      await audit.db.auditBatch.update({
        where: { seq: BigInt(seq) },
        data: { records: edit(records) },
      });
      return records;
    }

    it.skipIf(!available)('verify names the batch whose record was edited', async () => {
      const original = await editRecords(7, (t) =>
        t.replace('{\\"first\\":10}', '{\\"first\\":99}'),
      );
      expect(await verifyChain(audit.db)).toMatchObject({
        ok: false,
        seq: 7n,
        reason: expect.stringMatching(/edited/),
      });
      await editRecords(7, () => 'not json');
      expect(await verifyChain(audit.db)).toMatchObject({
        ok: false,
        seq: 7n,
        reason: expect.stringMatching(/cannot be read/),
      });
      await editRecords(7, () => original);
      expect((await verifyChain(audit.db)).ok).toBe(true);
    });

    it.skipIf(!available)(
      'verify catches an edited field-use index (it would hide records from search)',
      async () => {
        await sql(
          `DELETE FROM "AuditFieldUse" WHERE "batchSeq" = 8 AND "fieldPath" = 'Account.nickname'`,
        );
        expect(await verifyChain(audit.db)).toMatchObject({
          ok: false,
          seq: 8n,
          reason: expect.stringMatching(/field-use index/),
        });
        await sql(
          `INSERT INTO "AuditFieldUse" ("batchSeq", "fieldPath", "outcome", "count") VALUES (8, 'Account.nickname', 'ok', 2)`,
        );
        expect((await verifyChain(audit.db)).ok).toBe(true);
      },
    );

    it.skipIf(!available)('verify names the batch whose request details were edited', async () => {
      await sql(`UPDATE "AuditBatch" SET "consentId" = 'cns_other' WHERE "seq" = 12`);
      expect(await verifyChain(audit.db)).toMatchObject({ ok: false, seq: 12n });
      await sql(`UPDATE "AuditBatch" SET "consentId" = 'cns_1' WHERE "seq" = 12`);
    });

    it.skipIf(!available)('verify names the batch a record was deleted from', async () => {
      const original = await editRecords(9, (t) => {
        const packed = JSON.parse(t) as { records: unknown[] };
        packed.records.pop();
        return JSON.stringify(packed);
      });
      expect(await verifyChain(audit.db)).toMatchObject({
        ok: false,
        seq: 9n,
        reason: expect.stringMatching(/holds 2 records/),
      });
      await editRecords(9, () => original);
      expect((await verifyChain(audit.db)).ok).toBe(true);
    });

    it.skipIf(!available)(
      'verify names a deleted batch in the middle and at the tail',
      async () => {
        const keep = await audit.db.auditBatch.findUniqueOrThrow({
          where: { seq: 20n },
          include: { fieldUses: true },
        });
        await sql(`DELETE FROM "AuditFieldUse" WHERE "batchSeq" = 20`);
        await sql(`DELETE FROM "AuditBatch" WHERE "seq" = 20`);
        expect(await verifyChain(audit.db)).toMatchObject({
          ok: false,
          seq: 20n,
          reason: expect.stringMatching(/missing/),
        });
        const { fieldUses, ...batch } = keep;
        await audit.db.auditBatch.create({ data: batch });
        await audit.db.auditFieldUse.createMany({ data: fieldUses });
        expect((await verifyChain(audit.db)).ok).toBe(true);

        await sql(`DELETE FROM "AuditFieldUse" WHERE "batchSeq" = 40`);
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
