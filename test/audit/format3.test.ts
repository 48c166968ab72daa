/**
 * Audit records format 3 (migration 0005) on SQLite and PostgreSQL: batches carry the PSU's
 * jurisdiction, their hash covers it and the records' digest, and chains written in
 * format 2 before the migration still verify and are continued in format 3.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditStore, verifyChain } from '../../src/shared/audit/index.ts';
import { batchHeader, genesisHash, linkHash } from '../../src/shared/audit/chain.ts';
import { auditStoreDir } from '../../src/shared/audit/db.ts';
import { applyMigrations } from '../../src/shared/db/index.ts';
import { storeKinds } from '../support/stores.ts';
import { makeBatch } from './support/batches.ts';

const quote = (v: string | number | null) =>
  v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;

for (const kind of storeKinds) {
  describe(`audit format 3 on ${kind.provider}`, async () => {
    const available = await kind.available();
    if (!available) console.warn(`SKIPPED: audit format 3 on ${kind.provider} (no server)`);

    it.skipIf(!available)('batches carry their jurisdiction, covered by the hash', async () => {
      const store = await kind.create();
      await applyMigrations(store.url, auditStoreDir);
      const audit = AuditStore.open(store.url);
      try {
        await audit.append(makeBatch({ jurisdiction: 'UK' }));
        await audit.append(makeBatch({ jurisdiction: 'EU' }));
        await audit.append(makeBatch());
        const rows = await audit.db.auditBatch.findMany({ orderBy: { seq: 'asc' } });
        expect(rows.map((r) => [r.format, r.jurisdiction])).toEqual([
          [3, 'UK'],
          [3, 'EU'],
          [3, null],
        ]);
        expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.recordsDigest ?? ''))).toBe(true);
        expect(await verifyChain(audit.db)).toMatchObject({ ok: true, batches: 3 });
        await audit.db.$executeRawUnsafe(
          `UPDATE "AuditBatch" SET "jurisdiction" = 'UK' WHERE "seq" = 2`,
        );
        expect(await verifyChain(audit.db)).toMatchObject({
          ok: false,
          seq: 2n,
          reason: expect.stringMatching(/does not match its hash/),
        });
      } finally {
        await audit.close();
        await store.drop();
      }
    });

    it.skipIf(!available)(
      'format-2 batches written before migration 0005 still verify, and format 3 continues them',
      async () => {
        const before = mkdtempSync(join(tmpdir(), 'lg-audit-f3-'));
        cpSync(auditStoreDir, before, { recursive: true });
        for (const provider of ['sqlite', 'postgresql'])
          rmSync(join(before, 'migrations', provider, '0005_format3_digest_jurisdiction.sql'));
        const store = await kind.create();
        try {
          await applyMigrations(store.url, before);
          const old = AuditStore.open(store.url);
          const date = (d: Date) =>
            kind.provider === 'sqlite'
              ? quote(d.toISOString().replace('Z', '+00:00'))
              : `${quote(d.toISOString())}::timestamp(3)`;
          let prev = { seq: 0n, hash: genesisHash };
          for (const seq of [1n, 2n]) {
            const b = makeBatch({ at: new Date(Date.UTC(2026, 0, 1, 0, 0, Number(seq))) });
            const header = batchHeader({ ...b, recordCount: b.records.count }, 2);
            const hash = linkHash(prev.hash, seq, `${header}\n${b.records.text}`);
            await old.db.$executeRawUnsafe(
              `INSERT INTO "AuditBatch" ("seq","prevHash","hash","at","service","requestId","principalKind","principalId","clientId","psuId","consentId","operationName","operationType","recordCount","format","records") VALUES (${seq}, ${quote(prev.hash)}, ${quote(hash)}, ${date(b.at)}, ${quote(b.service)}, ${quote(b.requestId)}, 'consent', 'psu_alice', 'demo-pfm', 'psu_alice', 'cns_1', 'Dash', 'query', ${b.records.count}, 2, ${quote(b.records.text)})`,
            );
            for (const [fieldPath, outcome, count] of b.records.uses)
              await old.db.$executeRawUnsafe(
                `INSERT INTO "AuditFieldUse" ("batchSeq","fieldPath","outcome","count") VALUES (${seq}, ${quote(fieldPath)}, ${quote(outcome)}, ${count})`,
              );
            prev = { seq, hash };
          }
          await old.db.$executeRawUnsafe(
            `INSERT INTO "AuditHead" ("id","seq","hash","updatedAt") VALUES (1, 2, ${quote(prev.hash)}, ${date(new Date())})`,
          );
          await old.close();

          expect(await applyMigrations(store.url, auditStoreDir)).toEqual([
            '0005_format3_digest_jurisdiction.sql',
          ]);
          const audit = AuditStore.open(store.url);
          try {
            expect(await verifyChain(audit.db)).toMatchObject({ ok: true, batches: 2 });
            await audit.append(makeBatch({ jurisdiction: 'EU' }));
            expect(await verifyChain(audit.db)).toMatchObject({ ok: true, batches: 3 });
            const rows = await audit.db.auditBatch.findMany({ orderBy: { seq: 'asc' } });
            expect(rows.map((r) => r.format)).toEqual([2, 2, 3]);
            // A format-2 batch is still hashed over its records: an edit is caught.
            await audit.db.$executeRawUnsafe(
              `UPDATE "AuditBatch" SET "records" = replace("records", ':10}', ':11}') WHERE "seq" = 1`,
            );
            expect(await verifyChain(audit.db)).toMatchObject({ ok: false, seq: 1n });
          } finally {
            await audit.close();
          }
        } finally {
          await store.drop();
          rmSync(before, { recursive: true, force: true });
        }
      },
    );
  });
}
