import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AuditStore,
  migrateAuditDb,
  pruneExpired,
  scheduleRetention,
  verifyChain,
} from '../../src/shared/audit/index.ts';
import type { Logger } from '../../src/shared/log/index.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';
import { startTestSystem, TestClock } from '../support/system.ts';
import { makeBatch } from './support/batches.ts';

const day = 86_400_000;
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function storeWith(kind: (typeof storeKinds)[number], ages: number[]) {
  const store: TestStore = await kind.create();
  await migrateAuditDb(store.url);
  const audit = AuditStore.open(store.url);
  const dir = mkdtempSync(join(tmpdir(), 'lg-retention-'));
  cleanup.push(
    () => store.drop(),
    () => audit.close(),
    () => rmSync(dir, { recursive: true }),
  );
  for (const age of ages) await audit.append(makeBatch({ at: new Date(Date.now() - age * day) }));
  return { audit, archiveDir: join(dir, 'archive') };
}

/** Logged lines, to see what a background pass did. */
function recordingLog() {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const log: Pick<Logger, 'info' | 'error'> = {
    info: (msg, fields) => lines.push({ level: 'info', msg, fields }),
    error: (msg, fields) => lines.push({ level: 'error', msg, fields }),
  };
  return { lines, log };
}

const until = async (done: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 200 && !(await done()); i++) await new Promise((r) => setTimeout(r, 25));
};

for (const kind of storeKinds) {
  describe(`audit retention on ${kind.provider}`, async () => {
    const available = await kind.available();
    if (!available) console.warn(`SKIPPED: audit retention on ${kind.provider} (no server)`);

    it.skipIf(!available)('prunes what is past retention and nothing else', async () => {
      const { audit, archiveDir } = await storeWith(kind, [500, 450, 10, 1]);
      const clock = { now: () => new Date() };
      const slices = await pruneExpired(audit, { retentionDays: 400, archiveDir, clock });
      expect(slices.map((s) => s.batches)).toEqual([2]);
      expect(await verifyChain(audit.db)).toMatchObject({ ok: true, batches: 2 });
      expect(await pruneExpired(audit, { retentionDays: 400, archiveDir, clock })).toEqual([]);
      // A year later by the clock, the rest is due too.
      const later = { now: () => new Date(Date.now() + 400 * day) };
      const again = await pruneExpired(audit, { retentionDays: 400, archiveDir, clock: later });
      expect(again.map((s) => s.batches)).toEqual([2]);
      expect(readdirSync(archiveDir)).toHaveLength(2);
    });

    it.skipIf(!available)(
      'runs in the background on a schedule, and never prunes a broken chain',
      async () => {
        const { audit, archiveDir } = await storeWith(kind, [500, 1]);
        const clock = new TestClock();
        const { lines, log } = recordingLog();
        const schedule = scheduleRetention(audit, {
          retentionDays: 400,
          archiveDir,
          clock,
          intervalMs: 40,
          log,
        });
        cleanup.push(() => schedule.stop());
        // The pass at start prunes the old batch.
        await until(() => lines.length > 0);
        expect(lines[0]).toMatchObject({ level: 'info', msg: 'audit: pruned past retention' });
        expect(lines[0]!.fields).toMatchObject({ batches: 1, records: 3 });

        // Tamper with the remaining batch, then let time pass: the timer's passes refuse.
        await audit.db.auditBatch.update({ where: { seq: 2n }, data: { consentId: 'cns_x' } });
        clock.offsetMs = 500 * day;
        await until(() => lines.length > 1);
        await schedule.stop();
        expect(lines[1]).toMatchObject({ level: 'error', msg: 'audit: retention pass failed' });
        expect(String(lines[1]!.fields!.error)).toMatch(/Refusing to prune/);
        expect(await audit.db.auditBatch.count()).toBe(1);
      },
    );
  });
}

describe('audit retention in the running system', () => {
  it('archives and prunes past AUDIT_RETENTION_DAYS without an operator', async () => {
    const t = await startTestSystem({ AUDIT_PRUNE_INTERVAL_HOURS: '0.00002' });
    cleanup.push(() => t.stop());
    const client = await t.tokens.client();
    await t.execute(
      client,
      'mutation { requestConsent(input: { permissions: [ReadAccountsBasic] }) { id } }',
    );
    expect(await t.system.audit.db.auditBatch.count()).toBeGreaterThan(0);
    t.clock.offsetMs = 401 * day;
    await until(async () => (await t.system.audit.db.auditBatch.count()) === 0);
    expect(await t.system.audit.db.auditBatch.count()).toBe(0);
    expect(await t.system.audit.db.auditAnchor.count()).toBe(1);
    expect(existsSync(join(t.config.dataDir, 'audit-archive'))).toBe(true);
    expect(await verifyChain(t.system.audit.db)).toMatchObject({ ok: true, batches: 0 });
  });
});
