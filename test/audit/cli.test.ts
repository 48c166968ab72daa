import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditStore, migrateAuditDb } from '../../src/shared/audit/index.ts';
import { makeBatch } from './support/batches.ts';

const root = resolve(import.meta.dirname, '../..');
const day = 86_400_000;

describe('audit CLI: verify, checkpoint, export, prune', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lg-audit-cli-'));
  const url = `file:${join(dir, 'audit.db')}`;
  let store: AuditStore;

  /** `npx tsx src/cli.ts audit ...` against this test's store. */
  const cli = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        join(root, 'node_modules/.bin/tsx'),
        [join(root, 'src/cli.ts'), 'audit', ...args],
        { cwd: dir, env: { PATH: process.env.PATH, DATA_DIR: dir, AUDIT_DATABASE_URL: url } },
        (error, stdout, stderr) =>
          done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  const sql = (text: string) => store.db.$executeRawUnsafe(text);

  beforeAll(async () => {
    await migrateAuditDb(url);
    store = AuditStore.open(url);
    // Two batches past the default retention (400 days), then four recent ones.
    for (const age of [500, 450])
      await store.append(makeBatch({ at: new Date(Date.now() - age * day) }));
    for (let i = 0; i < 4; i++) await store.append(makeBatch({ psuId: `psu_${i}` }, 2));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies, signs a checkpoint and exports JSONL and CSV', async () => {
    const [verify, , jsonl, csv] = await Promise.all([
      cli('verify'),
      cli('checkpoint', '--out', join(dir, 'checkpoint.json')),
      cli('export', '--format', 'jsonl'),
      cli('export', '--format', 'csv', '--from', new Date(Date.now() - 10 * day).toISOString()),
    ]);
    expect(verify).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/OK: 6 batches, 14 records/),
    });
    expect(JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'))).toMatchObject({
      seq: '6',
      alg: 'Ed25519',
    });
    expect(existsSync(join(dir, 'audit-checkpoint.key.pub'))).toBe(true);
    const lines = jsonl.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: string; idx: number });
    expect(lines).toHaveLength(14);
    expect(lines[0]).toMatchObject({
      seq: '1',
      idx: 0,
      fieldPath: 'Query.accounts',
      args: '{"first":10}',
    });
    const rows = csv.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^seq,idx,at,/);
    expect(rows).toHaveLength(1 + 8);
    expect(rows[1]).toContain('"{""first"":10}"');
    expect(await cli('export', '--format', 'xml')).toMatchObject({ code: 2 });
  });

  it('exits non-zero naming the first broken link', async () => {
    // Record 1 of batch 4 gets another response path.
    await sql(
      `UPDATE "AuditBatch" SET "records" = replace("records", '"accounts.0.nickname"', '"accounts.9"') WHERE "seq" = 4`,
    );
    const broken = await cli('verify');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/BROKEN at batch 4: records do not match their digest/);
    await sql(
      `UPDATE "AuditBatch" SET "records" = replace("records", '"accounts.9"', '"accounts.0.nickname"') WHERE "seq" = 4`,
    );
  });

  it('prunes past retention to an archive; what remains verifies from the anchor', async () => {
    const pruned = await cli('prune');
    expect(pruned).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/pruned 2 batches \(6 records\)/),
    });
    expect(existsSync(join(dir, 'audit-archive', 'audit-1-2.jsonl'))).toBe(true);
    expect(await cli('verify', '--checkpoint', join(dir, 'checkpoint.json'))).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(
        /OK: 4 batches[\s\S]*archives OK: 1 files, 2 pruned batches[\s\S]*checkpoint of batch 6 .* matches/,
      ),
    });
  });

  it('catches deletion at the tail with the head rewritten, through the checkpoint', async () => {
    const prev = await store.db.auditBatch.findUniqueOrThrow({ where: { seq: 5n } });
    await sql(`DELETE FROM "AuditFieldUse" WHERE "batchSeq" = 6`);
    await sql(`DELETE FROM "AuditBatch" WHERE "seq" = 6`);
    await sql(`UPDATE "AuditHead" SET "seq" = 5, "hash" = '${prev.hash}'`);
    expect((await cli('verify')).code).toBe(0);
    const withCheckpoint = await cli('verify', '--checkpoint', join(dir, 'checkpoint.json'));
    expect(withCheckpoint.code).toBe(1);
    expect(withCheckpoint.stderr).toMatch(/checkpoint at batch 6 but the chain ends at 5/);
  });
});
