import { cpSync, mkdtempSync, readFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/shared/db/index.ts';
import { storeKinds } from '../support/stores.ts';

const root = resolve(import.meta.dirname, '../..');
const stores = ['consent', 'accounts', 'payments', 'audit'];

describe('committed migrations', () => {
  for (const store of stores) {
    it(`${store}: schema.prisma has no change that lacks a migration`, () => {
      const schema = readFileSync(join(root, 'prisma', store, 'schema.prisma'), 'utf8');
      const snapshot = readFileSync(
        join(root, 'prisma', store, 'migrations', 'schema.snapshot.prisma'),
        'utf8',
      );
      expect(schema, `run: npm run db:migration -- ${store} <name>`).toBe(snapshot);
    });
  }

  for (const kind of storeKinds) {
    describe(`on ${kind.provider}`, async () => {
      const available = await kind.available();
      if (!available) console.warn(`SKIPPED: migrations on ${kind.provider} (no server)`);

      it.skipIf(!available)('apply on a fresh database, then are up to date', async () => {
        for (const store of stores) {
          const db = await kind.create();
          try {
            const first = await applyMigrations(db.url, join(root, 'prisma', store));
            expect(first.length).toBeGreaterThan(0);
            expect(await applyMigrations(db.url, join(root, 'prisma', store))).toEqual([]);
          } finally {
            await db.drop();
          }
        }
      });

      it.skipIf(!available)('refuse to run when an applied migration was edited', async () => {
        const copy = mkdtempSync(join(tmpdir(), 'lg-mig-'));
        cpSync(join(root, 'prisma', 'payments'), copy, { recursive: true });
        const db = await kind.create();
        try {
          await applyMigrations(db.url, copy);
          appendFileSync(join(copy, 'migrations', kind.provider, '0001_init.sql'), '\n-- edited\n');
          await expect(applyMigrations(db.url, copy)).rejects.toThrow(/was edited/);
        } finally {
          await db.drop();
        }
      });
    });
  }
});
