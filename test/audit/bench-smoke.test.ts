import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../bench/support/results.ts';
import { fmt } from '../../bench/support/load.ts';
import { tableRows } from '../support/bench-output.ts';

// `npm run bench:audit -- --smoke`: half a second per variant, so the benchmark keeps working
// as the graph and the audit store change. Speed is never asserted here; docs/BENCHMARKS.md
// holds the figures of a real run.
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'lg-audit-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Written = ResultsFile<{ auditRecordsPerRequest: number; auditBytesPerRequest: number }>;

const number = /^-?\d+(\.\d+)?$/;

describe('audit overhead benchmark (smoke run)', () => {
  it('runs the dashboard with audit off and on without errors, counts records, prints ratios, the same in --json', async () => {
    const json = join(dir, 'audit.json');
    const { stdout: out } = await run(
      process.execPath,
      ['--import', 'tsx', 'bench/audit-overhead.ts', '--smoke', '--json', json],
      { cwd: process.cwd(), timeout: 150_000, maxBuffer: 4 * 1024 * 1024 },
    );
    const rows = new Map(tableRows(out, 'variant').map(([mode, ...cells]) => [mode!, cells]));
    for (const mode of ['audit off', 'audit on', 'audit off (control)'])
      expect(rows.has(mode), mode).toBe(true);
    for (const [mode, cells] of rows) {
      // requests, errors, req/s, p50, p99, CPU ms/req, records/req, bytes/req
      for (const cell of cells) expect(cell, `${mode}: ${cells.join(' | ')}`).toMatch(number);
      expect(Number(cells[0]), `requests of ${mode}`).toBeGreaterThan(0);
      expect(cells[1], `errors in ${mode}`).toBe('0');
    }
    expect(Number(rows.get('audit off')![6])).toBe(0);
    expect(Number(rows.get('audit off (control)')![6])).toBe(0);
    // The dashboard with 100 transactions per account: thousands of resolver calls each.
    for (const [mode, cells] of rows) {
      if (mode.startsWith('audit off')) continue;
      expect(Number(cells[6]), `records/req of ${mode}`).toBeGreaterThan(1000);
      expect(Number(cells[7]), `bytes/req of ${mode}`).toBeGreaterThan(0);
    }
    expect(out).toMatch(/audit on \/ off: p50 ×[\d.]+, p99 ×[\d.]+, req\/s ×[\d.]+, CPU\/req ×/);
    expect(out).toMatch(/control \(audit off again\) \/ off: p50 ×[\d.]+/);

    const written = JSON.parse(readFileSync(json, 'utf8')) as Written;
    expect(written.bench).toBe('audit');
    expect(written.run.smoke).toBe(true);
    expect(written.run.cores).toBeGreaterThan(0);
    expect(written.run.loadAverageAfter).toHaveLength(3);
    // Every printed row, and nothing else, with the same numbers.
    expect(written.variants.map((v) => v.variant)).toEqual([...rows.keys()]);
    for (const v of written.variants)
      expect(
        [
          String(v.requests),
          String(v.errors),
          fmt(v.rps),
          fmt(v.p50),
          fmt(v.p99),
          fmt(v.cpuMs, 2),
          fmt(v.auditRecordsPerRequest, 0),
          fmt(v.auditBytesPerRequest, 0),
        ],
        v.variant,
      ).toEqual(rows.get(v.variant));
    // Every printed ratio line, and nothing else, with the same numbers (n/a is null).
    const lines = [
      ...out.matchAll(
        /^(.+ \/ off): (?:p50 ×(\S+), p99 ×(\S+), req\/s ×(\S+), CPU\/req ×(\S+)|n\/a)$/gm,
      ),
    ];
    expect(written.ratios.map((r) => r.label)).toEqual(lines.map((m) => m[1]));
    for (const [i, r] of written.ratios.entries()) {
      const printed = [r.p50, r.p99, r.rps, r.cpuMs].map((n) => (n === null ? 'n/a' : fmt(n, 2)));
      const m = lines[i]!;
      expect(printed, r.label).toEqual(m[2] ? m.slice(2, 6) : ['n/a', 'n/a', 'n/a', 'n/a']);
    }
  }, 180_000);
});
