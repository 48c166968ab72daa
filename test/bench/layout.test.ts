import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// `npm run bench:layout` for half a second per variant: the embedded system, one process per
// service and two gateway replicas must all start, answer every operation and print their
// tables and ratios. Speed is never asserted; docs/BENCHMARKS.md holds a real run's figures.
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'lg-layout-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const variants = ['one process', 'per-service', 'per-service, 2 gateways'];
const operations = ['dashboard', 'balance', 'payment'];
const number = /^×?-?\d+(\.\d+)?$/;

interface Row {
  operation: string;
  variant: string;
  requests: number;
  errors: number;
  rps: number;
  cpuMs: number;
  loadGenCpuMs: number;
}

describe('bench:layout (smoke run)', () => {
  it('every operation through every layout: numbers, ratios, no errors, and the same in --json', async () => {
    const json = join(dir, 'layout.json');
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'bench/layout.ts', '--smoke', '--json', json],
      {
        cwd: process.cwd(),
        timeout: 400_000,
        maxBuffer: 4 * 1024 * 1024,
        // A failure then shows the services' own error lines, not only the bench's.
        env: { ...process.env, BENCH_LOG_LEVEL: 'error' },
      },
    );
    const lines = stdout.split('\n');
    for (const op of operations) {
      const at = lines.findIndex((l) => l.startsWith(`### ${op} (`));
      expect(at, `table of ${op}`).toBeGreaterThan(-1);
      // Title, blank line, header, rule, then one row per variant.
      const rows = lines.slice(at + 4, at + 4 + variants.length).map((l) =>
        l
          .split('|')
          .slice(1, -1)
          .map((c) => c.trim()),
      );
      expect(rows.map((r) => r[0])).toEqual(variants);
      for (const r of rows) {
        for (const cell of r.slice(1, -1)) expect(cell, `${op}, ${r[0]}`).toMatch(number);
        // n/a when the one-process variant got no answer within its second (a loaded machine).
        expect(r.at(-1)).toMatch(/^×(\d+\.\d+|n\/a)$/);
        expect(r[2], `errors in ${op}, ${r[0]}`).toBe('0');
      }
    }
    expect(stdout).toMatch(/per-service \/ one process: p50 ×/);
    expect(stdout).toMatch(/per-service, 2 gateways \/ per-service: p50 ×/);
    expect(stdout).toMatch(/load average after: /);

    const written = JSON.parse(readFileSync(json, 'utf8')) as {
      variants: Row[];
      ratios: { operation: string; label: string; rps: number | null }[];
    };
    expect(written.variants.map((v) => `${v.operation}/${v.variant}`)).toEqual(
      operations.flatMap((op) => variants.map((v) => `${op}/${v}`)),
    );
    for (const v of written.variants) {
      expect(v.errors).toBe(0);
      for (const n of [v.requests, v.rps, v.cpuMs, v.loadGenCpuMs])
        expect(Number.isFinite(n)).toBe(true);
    }
    // A second per variant may pass without an answer on a loaded machine, but not everywhere.
    expect(written.variants.reduce((sum, v) => sum + v.requests, 0)).toBeGreaterThan(0);
    expect(written.ratios).toHaveLength(operations.length * 3);
  }, 420_000);
});
