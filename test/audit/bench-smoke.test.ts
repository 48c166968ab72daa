import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// `npm run bench:audit -- --smoke`: about a second per variant, so the benchmark keeps working
// as the graph and the audit store change. Speed is never asserted here; docs/BENCHMARKS.md
// holds the figures of a real run.
const run = promisify(execFile);

/** The rows of the printed markdown table, as cells, without header and rule lines. */
function tableRows(out: string): Map<string, string[]> {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| variant'));
  const rows = new Map<string, string[]>();
  for (let j = start + 2; start >= 0 && j < lines.length && lines[j]!.startsWith('|'); j++) {
    const cells = lines[j]!.split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    rows.set(cells[0]!, cells.slice(1));
  }
  return rows;
}

const number = /^-?\d+(\.\d+)?$/;

describe('audit overhead benchmark (smoke run)', () => {
  it('runs the dashboard with audit off and on without errors, counts records, prints ratios', async () => {
    const { stdout: out } = await run(
      process.execPath,
      ['--import', 'tsx', 'bench/audit-overhead.ts', '--smoke'],
      { cwd: process.cwd(), timeout: 150_000, maxBuffer: 4 * 1024 * 1024 },
    );
    const rows = tableRows(out);
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
  }, 180_000);
});
