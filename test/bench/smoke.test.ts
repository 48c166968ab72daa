import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../bench/support/results.ts';
import { compare } from '../../bench/compare.ts';
import { fmt } from '../../bench/support/load.ts';
import type { GrantCacheCounts } from '../../bench/support/redis.ts';
import { tableRows } from '../support/bench-output.ts';

// Each benchmark entry point, as `npm run bench*` starts it, for half a second per variant: it must
// still run against the current graph and print its tables. Speed is never asserted here;
// docs/BENCHMARKS.md holds the figures of a real run.
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'lg-bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const layersJson = join(dir, 'layers.json');
const scaleJson = join(dir, 'scale.json');

type Written = ResultsFile<{ rssMiB?: number; heapMiB?: number }> & {
  floorCheck?: Record<'gateway' | 'floor', { id: string; transactions: number }[]>;
  grantCache?: GrantCacheCounts;
};
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Written;

async function smoke(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', ...args, '--smoke'], {
    cwd: process.cwd(),
    timeout: 150_000,
    maxBuffer: 4 * 1024 * 1024,
  });
  return stdout;
}

const number = /^×?-?\d+(\.\d+)?$/;

/** Each printed table's rows by operation: the `### op (` title above the table names it. */
function rowsByOperation(out: string): Map<string, string[][]> {
  const byOp = new Map<string, string[][]>();
  for (const section of out.split('\n### ').slice(1)) {
    const op = section.slice(0, section.indexOf(' ('));
    byOp.set(op, tableRows(section, 'variant'));
  }
  return byOp;
}

/** `label: p50 ×a, p99 ×b, req/s ×c, CPU/req ×d` lines of one operation's section. */
function ratioLines(out: string, op: string): Map<string, string[]> {
  const section = out.split('\n### ').find((s) => s.startsWith(`${op} (`)) ?? '';
  const lines = new Map<string, string[]>();
  for (const m of section.matchAll(
    /^(.+): (?:p50 ×(\S+), p99 ×(\S+), req\/s ×(\S+), CPU\/req ×(\S+)|n\/a)$/gm,
  ))
    lines.set(m[1]!, m[2] ? [m[2], m[3]!, m[4]!, m[5]!] : []);
  return lines;
}

/** A figure of the JSON as the table prints it (null is what the table calls n/a). */
const printed = (n: number | null, digits: number) => (n === null ? 'n/a' : fmt(n, digits));

describe('benchmarks (smoke runs)', () => {
  it('npm run bench: every operation, every variant and the floor, with numbers and ratios, no errors, the same in --json', async () => {
    const out = await smoke(['bench/layers.ts', '--json', layersJson]);
    const byOp = rowsByOperation(out);
    expect([...byOp.keys()]).toEqual(['dashboard', 'balance', 'payment']);
    const variants = [
      'gateway',
      'gateway, Redis',
      'subgraph direct',
      'bare proxy',
      'shield off',
      'audit off',
      'Hive gateway',
    ];
    for (const [op, rows] of byOp) {
      const names = rows.map((r) => r[0]);
      for (const v of variants) expect(names, op).toContain(v);
      // The floor answers the dashboard only.
      expect(names.includes('floor'), op).toBe(op === 'dashboard');
      for (const r of rows) {
        for (const cell of r.slice(1, 7)) expect(cell).toMatch(number);
        expect(r[2], `errors in ${op}, ${r[0]}`).toBe('0');
      }
    }
    // What issue 12's "ours / subgraph direct" target is read against, with numbers in every
    // section: ours, ours with the Redis-kept grant cache, and one bare extra hop.
    for (const op of byOp.keys()) {
      const lines = ratioLines(out, op);
      for (const label of [
        'gateway / subgraph direct',
        'gateway, Redis / subgraph direct',
        'bare proxy / subgraph direct',
      ]) {
        expect(lines.get(label), `${op}: ${label}`).toHaveLength(4);
        for (const cell of lines.get(label)!) expect(cell, `${op}: ${label}`).toMatch(number);
      }
    }
    expect(out).toMatch(/our gateway \/ Hive gateway: p50 ×/);
    expect(out).toMatch(/gateway \/ floor: p50 ×/);

    const json = readJson(layersJson);
    expect(json.bench).toBe('layers');
    expect(json.run.smoke).toBe(true);
    expect(json.run.cores).toBeGreaterThan(0);
    expect(json.run.loadAverageBefore).toHaveLength(3);
    expect(json.run.loadAverageAfter).toHaveLength(3);
    // Every printed row, and nothing else, with the same numbers.
    expect(json.variants.map((v) => `${v.operation}/${v.variant}`)).toEqual(
      [...byOp].flatMap(([op, rows]) => rows.map((r) => `${op}/${r[0]}`)),
    );
    for (const v of json.variants) {
      const row = byOp.get(v.operation)!.find((r) => r[0] === v.variant)!;
      expect(
        [String(v.requests), String(v.errors), fmt(v.rps), fmt(v.p50), fmt(v.p99), fmt(v.cpuMs, 2)],
        `${v.operation}/${v.variant}`,
      ).toEqual(row.slice(1, 7));
    }
    // Every printed ratio line, and nothing else, with the same numbers.
    const lines = [...byOp.keys()].flatMap((op) =>
      [...ratioLines(out, op)].map(([label, cells]) => ({ op, label, cells })),
    );
    expect(json.ratios.map((r) => `${r.operation}/${r.label}`)).toEqual(
      lines.map((l) => `${l.op}/${l.label}`),
    );
    for (const [i, r] of json.ratios.entries()) {
      const cells = lines[i]!.cells;
      const figures = [r.p50, r.p99, r.rps, r.cpuMs];
      // A line of n/a is a variant not run (PostgreSQL unreachable): all four are null.
      if (cells.length === 0) expect(figures, r.label).toEqual([null, null, null, null]);
      else
        expect(
          figures.map((n) => printed(n, 2)),
          r.label,
        ).toEqual(cells);
    }
    // The floor answered the dashboard the gateway answered: the same accounts, the same
    // number of transactions each (100 per account, as the query asks).
    const check = json.floorCheck!;
    expect(check.floor).toEqual(check.gateway);
    expect(check.gateway.length).toBeGreaterThan(0);
    for (const a of check.gateway) expect(a.transactions).toBe(100);
    // The Redis variant's gateway answered from its grant cache, never around it.
    expect(json.grantCache!.bypass).toBe(0);
    const redisRequests = json.variants
      .filter((v) => v.variant === 'gateway, Redis')
      .reduce((n, v) => n + v.requests, 0);
    expect(json.grantCache!.hit).toBeGreaterThanOrEqual(redisRequests - json.grantCache!.miss);
    expect(out).toMatch(
      /gateway, Redis: grant lookups during the run: \d+ hits, \d+ misses, 0 bypassed/,
    );
  }, 180_000);

  it('npm run bench fails, rather than skip the Redis variant, when Redis does not answer', async () => {
    const failed = await run(process.execPath, ['--import', 'tsx', 'bench/layers.ts', '--smoke'], {
      cwd: process.cwd(),
      timeout: 60_000,
      env: { ...process.env, BENCH_REDIS_URL: 'redis://127.0.0.1:1' },
    }).then(
      () => undefined,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/Redis does not answer at redis:\/\/127\.0\.0\.1:1/);
  }, 60_000);

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
    const out = await smoke(['--expose-gc', 'bench/scale.ts', '--json', scaleJson]);
    const rows = tableRows(out, 'case');
    expect(rows.length).toBe(2);
    for (const r of rows) {
      for (const cell of r.slice(1)) expect(cell).toMatch(number);
      expect(r[10], `errors in ${r[0]}`).toBe('0');
    }
    const json = readJson(scaleJson);
    expect(json.bench).toBe('scale');
    expect(json.run.smoke).toBe(true);
    expect(json.variants.map((v) => v.variant)).toEqual(rows.map((r) => r[0]));
    for (const v of json.variants) {
      const r = rows.find((row) => row[0] === v.variant)!;
      // requests, errors, req/s, p50, p99, RSS, heap as the table prints them
      expect([v.requests, v.errors, fmt(v.rps), fmt(v.p50), fmt(v.p99)].map(String)).toEqual(
        r.slice(9, 14),
      );
      expect([fmt(v.rssMiB!, 0), fmt(v.heapMiB!, 0)]).toEqual(r.slice(14, 16));
      expect(Number.isFinite(v.cpuMs)).toBe(true);
    }
    expect(json.ratios).toEqual([]);
  }, 180_000);

  it('npm run bench:compare: the two runs of each variant side by side, with the change', async () => {
    // The layers smoke JSON against itself and against a copy with the gateway's dashboard
    // CPU doubled and its req/s halved: every variant listed, and the change computed.
    const before = readJson(layersJson);
    const after = structuredClone(before);
    const g = after.variants.find((v) => v.operation === 'dashboard' && v.variant === 'gateway')!;
    g.cpuMs *= 2;
    g.rps /= 2;
    const afterFile = join(dir, 'layers-after.json');
    writeFileSync(afterFile, JSON.stringify(after));
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'bench/compare.ts', layersJson, afterFile],
      { cwd: process.cwd(), timeout: 60_000 },
    );
    const rows = tableRows(stdout, 'operation');
    expect(rows.map((r) => `${r[0]}/${r[1]}`)).toEqual(
      before.variants.map((v) => `${v.operation}/${v.variant}`),
    );
    for (const r of rows) {
      const v = before.variants.find((x) => x.operation === r[0] && x.variant === r[1])!;
      expect(r[2]).toBe(fmt(v.cpuMs, 2));
      expect(r[5]).toBe(fmt(v.rps, 1));
      const changed = r[0] === 'dashboard' && r[1] === 'gateway';
      expect(r[4], `CPU change of ${r[0]}/${r[1]}`).toBe(changed ? '+100.0 %' : '+0.0 %');
      // No answer within the slice (a loaded machine) gives 0 req/s: no change to compute.
      const rpsChange = !v.rps ? 'n/a' : changed ? '-50.0 %' : '+0.0 %';
      expect(r[7], `req/s change of ${r[0]}/${r[1]}`).toBe(rpsChange);
    }
    // Two different benches are refused.
    expect(() => compare(before, readJson(scaleJson) as never)).toThrow(/not the same bench/);
  }, 60_000);
});
