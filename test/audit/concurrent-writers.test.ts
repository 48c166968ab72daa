import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditStore, migrateAuditDb, verifyChain } from '../../src/shared/audit/index.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';

const exec = promisify(execFile);
/** Runs a child process; its stderr and exit code are in the error when it fails. */
const run = (file: string, args: string[], cwd: string) =>
  exec(file, args, { cwd }).catch((e: { code?: number; stderr?: string }) => {
    throw new Error(`${args.at(-1)} exited ${e.code}: ${e.stderr}`);
  });
const root = resolve(import.meta.dirname, '../..');
const tsx = resolve(root, 'node_modules/.bin/tsx');
const worker = resolve(import.meta.dirname, 'support/append-worker.ts');
const processes = 4;
const perProcess = 25;

for (const kind of storeKinds) {
  describe(`concurrent audit writers on ${kind.provider}`, async () => {
    const available = await kind.available();
    if (!available) console.warn(`SKIPPED: concurrent writers on ${kind.provider} (no server)`);
    let store: TestStore;

    beforeAll(async () => {
      if (available) await migrateAuditDb((store = await kind.create()).url);
    });
    afterAll(async () => {
      if (available) await store.drop();
    });

    it.skipIf(!available)(
      `${processes} processes with their own clients append to one chain that verifies`,
      async () => {
        await Promise.all(
          Array.from({ length: processes }, (_, i) =>
            run(tsx, [worker, store.url, String(perProcess), `writer-${i}`], root),
          ),
        );
        const audit = AuditStore.open(store.url);
        try {
          const result = await verifyChain(audit.db);
          expect(result).toMatchObject({ ok: true, batches: processes * perProcess });
          const services = await audit.db.auditBatch.groupBy({ by: ['service'], _count: true });
          expect(services.map((s) => s._count)).toEqual(Array(processes).fill(perProcess));
        } finally {
          await audit.close();
        }
      },
    );
  });
}
