import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Each benchmark entry point, as `npm run bench*` starts it, for a second per variant: it must
// still run against the current graph and print its tables. Speed is never asserted here;
// docs/BENCHMARKS.md holds the figures of a real run.
const run = promisify(execFile);

async function smoke(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', ...args, '--smoke'], {
    cwd: process.cwd(),
    timeout: 150_000,
    maxBuffer: 4 * 1024 * 1024,
  });
  return stdout;
}

/** The rows of every markdown table printed, as cells, without header and rule lines. */
function tableRows(out: string, header: string): string[][] {
  const lines = out.split('\n');
  const rows: string[][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith(`| ${header}`)) continue;
    for (let j = i + 2; j < lines.length && lines[j]!.startsWith('|'); j++)
      rows.push(
        lines[j]!.split('|')
          .slice(1, -1)
          .map((c) => c.trim()),
      );
  }
  return rows;
}

const number = /^×?-?\d+(\.\d+)?$/;

describe('benchmarks (smoke runs)', () => {
  it('npm run bench: every operation, every variant, with numbers and ratios, no errors', async () => {
    const out = await smoke(['bench/layers.ts']);
    for (const op of ['dashboard', 'balance', 'payment']) expect(out).toContain(`### ${op} (`);
    const rows = tableRows(out, 'variant');
    const names = new Set(rows.map((r) => r[0]));
    for (const v of ['gateway', 'subgraph direct', 'shield off', 'audit off', 'Hive gateway'])
      expect(names).toContain(v);
    expect(rows.length).toBeGreaterThanOrEqual(15);
    for (const r of rows) {
      for (const cell of r.slice(1, 7)) expect(cell).toMatch(number);
      expect(r[2], `errors in ${r[0]}`).toBe('0');
    }
    expect(out).toMatch(/gateway \/ subgraph direct: p50 ×/);
    expect(out).toMatch(/our gateway \/ Hive gateway: p50 ×/);
  }, 180_000);

  it('bench/shield-audit.ts: CPU per request for shield on/off × audit on/off', async () => {
    const out = await smoke(['bench/shield-audit.ts']);
    const rows = tableRows(out, 'variant');
    expect(rows.map((r) => r[0])).toEqual([
      'shield on, audit on',
      'shield off, audit on',
      'shield on, audit off',
      'shield off, audit off',
    ]);
    for (const r of rows) for (const cell of r.slice(1)) expect(cell).toMatch(number);
    expect(out).toMatch(/shield on \/ off: ×[\d.]+ \(audit on\), ×[\d.]+ \(audit off\)/);
    expect(out).toMatch(/audit on \/ off: ×[\d.]+ \(shield on\), ×[\d.]+ \(shield off\)/);
  }, 180_000);

  it('npm run bench:scale: latency, memory and bank calls per case', async () => {
    const out = await smoke(['--expose-gc', 'bench/scale.ts']);
    const rows = tableRows(out, 'case');
    expect(rows.length).toBe(2);
    for (const r of rows) {
      for (const cell of r.slice(1)) expect(cell).toMatch(number);
      expect(r[10], `errors in ${r[0]}`).toBe('0');
    }
  }, 180_000);
});
