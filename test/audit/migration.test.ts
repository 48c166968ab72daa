import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AuditStore,
  batchBody,
  genesisHash,
  linkHash,
  searchAudit,
  verifyChain,
} from '../../src/shared/audit/index.ts';
import { unpackRecords } from '../../src/shared/audit/records.ts';
import type { AuditRecordInput } from '../../src/shared/audit/types.ts';
import { applyMigrations } from '../../src/shared/db/index.ts';
import { auditStoreDir } from '../../src/shared/audit/db.ts';
import { storeKinds } from '../support/stores.ts';
import { aliceDashboard, makeBatch } from './support/batches.ts';

const request = aliceDashboard;

/** Records as the row-per-record layout of migrations 0001–0002 held them. */
function oldRecords(n: number, t0: number): AuditRecordInput[] {
  return Array.from({ length: n }, (_, i) => ({
    at: new Date(t0 + i),
    fieldPath: i === 0 ? 'Query.accounts' : 'Account.balances',
    responsePath: i === 0 ? 'accounts' : `accounts.${i - 1}.balances`,
    args: i === 0 ? '{"note":"a \\"q\\" 🙂"}' : null,
    outcome: i === 2 ? ('denied' as const) : ('ok' as const),
    errorCode: i === 2 ? 'FORBIDDEN' : null,
  }));
}

const quote = (v: string | number | null) =>
  v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;

for (const kind of storeKinds) {
  describe(`audit migration 0003 on ${kind.provider}`, async () => {
    const available = await kind.available();
    if (!available) console.warn(`SKIPPED: audit migration on ${kind.provider} (no server)`);

    it.skipIf(!available)(
      'converts row-per-record batches to packed ones that still verify, search and extend',
      async () => {
        const before = mkdtempSync(join(tmpdir(), 'lg-audit-mig-'));
        cpSync(auditStoreDir, before, { recursive: true });
        for (const provider of ['sqlite', 'postgresql'])
          for (const m of [
            '0003_packed_records.sql',
            '0004_records_lz4.sql',
            '0005_format3_digest_jurisdiction.sql',
          ])
            rmSync(join(before, 'migrations', provider, m));
        const store = await kind.create();
        try {
          await applyMigrations(store.url, before);
          // A chain of three batches written the old way, as the old writers stored them.
          const db = AuditStore.open(store.url);
          const date = (d: Date) =>
            kind.provider === 'sqlite'
              ? quote(d.toISOString().replace('Z', '+00:00'))
              : `${quote(d.toISOString())}::timestamp(3)`;
          let prev = { seq: 0n, hash: genesisHash };
          const written: AuditRecordInput[][] = [];
          for (const n of [3, 1, 4]) {
            const seq = prev.seq + 1n;
            const at = new Date(Date.UTC(2026, 0, 1, 0, 0, Number(seq)));
            const records = oldRecords(n, at.getTime());
            const hash = linkHash(
              prev.hash,
              seq,
              batchBody({ ...request, at, requestId: `r${seq}`, records }),
            );
            await db.db.$executeRawUnsafe(
              `INSERT INTO "AuditBatch" ("seq","prevHash","hash","at","service","requestId","principalKind","principalId","clientId","psuId","consentId","operationName","operationType","recordCount") VALUES (${seq}, ${quote(prev.hash)}, ${quote(hash)}, ${date(at)}, 'accounts', 'r${seq}', 'consent', 'psu_alice', 'demo-pfm', 'psu_alice', 'cns_1', 'Dash', 'query', ${n})`,
            );
            for (const [idx, r] of records.entries())
              await db.db.$executeRawUnsafe(
                `INSERT INTO "AuditRecord" ("batchSeq","idx","at","fieldPath","responsePath","args","outcome","errorCode") VALUES (${seq}, ${idx}, ${date(r.at)}, ${quote(r.fieldPath)}, ${quote(r.responsePath)}, ${quote(r.args)}, ${quote(r.outcome)}, ${quote(r.errorCode)})`,
              );
            written.push(records);
            prev = { seq, hash };
          }
          await db.db.$executeRawUnsafe(
            `INSERT INTO "AuditHead" ("id","seq","hash","updatedAt") VALUES (1, 3, ${quote(prev.hash)}, ${date(new Date())})`,
          );
          await db.close();

          expect(await applyMigrations(store.url, auditStoreDir)).toEqual([
            '0003_packed_records.sql',
            '0004_records_lz4.sql',
            '0005_format3_digest_jurisdiction.sql',
          ]);
          const audit = AuditStore.open(store.url);
          try {
            expect(await verifyChain(audit.db)).toMatchObject({ ok: true, batches: 3, records: 8 });
            const rows = await audit.db.auditBatch.findMany({ orderBy: { seq: 'asc' } });
            expect(rows.map((r) => r.format)).toEqual([1, 1, 1]);
            expect(rows.map((r) => unpackRecords(r.format, r.records, r.at))).toEqual(written);
            const denied = await searchAudit(audit.db, { outcome: 'denied' }, { first: 10 });
            expect(denied.records.map((r) => [r.seq, r.responsePath])).toEqual([
              [3n, 'accounts.1.balances'],
              [1n, 'accounts.1.balances'],
            ]);
            // New batches continue the converted chain.
            await audit.append(makeBatch());
            expect(await verifyChain(audit.db)).toMatchObject({
              ok: true,
              batches: 4,
              records: 11,
            });
            // An edit to a converted batch is still caught.
            await audit.db.$executeRawUnsafe(
              `UPDATE "AuditBatch" SET "records" = replace("records", 'FORBIDDEN', 'NOT_FOUND') WHERE "seq" = 1`,
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
