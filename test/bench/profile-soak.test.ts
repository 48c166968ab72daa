import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Profiler } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { areaOf, summarise } from '../../bench/support/cpu-profile.ts';
import { quantile, slope } from '../../bench/support/mix.ts';

// bench:profile and bench:soak as their npm scripts start them, with --smoke (half a second
// per variant; 2 s "minutes") and --json: the JSON must hold the figures a comparison reads.
// Speed is never asserted; docs/BENCHMARKS.md holds a real run's figures.
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'lg-bench-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function smoke<T>(args: string[], json: string): Promise<{ stdout: string; doc: T }> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', ...args, '--smoke', '--json', json],
    { cwd: process.cwd(), timeout: 150_000, maxBuffer: 4 * 1024 * 1024 },
  );
  return { stdout, doc: JSON.parse(readFileSync(json, 'utf8')) };
}

interface RunDoc {
  command: string;
  machine: { nproc: number; node: string; loadAverageStart: number[]; loadAverageEnd: number[] };
}
interface ProfileDoc extends RunDoc {
  operations: {
    name: string;
    variants: (Record<string, number> & {
      name: string;
      profile: {
        busyMs: number;
        areas: { area: string; selfMs: number }[];
        frames: { selfMs: number }[];
      };
    })[];
  }[];
}
interface SoakDoc extends RunDoc {
  capacityRps: number;
  capacitySignals: { eventLoopPercent: number; profile: { busyMs: number } };
  rate: number;
  minutes: (Record<string, number> & {
    operations: Record<string, { p99: number }>;
    profile: { busyMs: number; areas: { area: string; selfMs: number }[] };
  })[];
  verdict: { p99Ratio: number; heapMiBPerMinute: number };
}

const positive = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n > 0;

function expectMachine(doc: RunDoc, script: string) {
  expect(doc.command).toContain(script);
  expect(doc.machine.nproc).toBeGreaterThan(0);
  expect(doc.machine.node).toBe(process.version);
  expect(doc.machine.loadAverageStart).toHaveLength(3);
  expect(doc.machine.loadAverageEnd).toHaveLength(3);
}

describe('CPU profile summary', () => {
  // (root) → graphql execute → builtin; Prisma adapter → native (named like an Object.prototype
  // member, which must not be taken for an area) → native `all`; idle
  const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
    id,
    callFrame: { functionName, url, lineNumber: 9, columnNumber: 0, scriptId: '0' },
    children,
  });
  const exec = 'file:///x/node_modules/graphql/execution/execute.js';
  const adapter = 'file:///x/node_modules/@prisma/adapter-better-sqlite3/dist/index.mjs';
  const profile: Profiler.Profile = {
    nodes: [
      frame(1, '(root)', '', [2, 4, 6]),
      frame(2, 'executeFields', exec, [3]),
      frame(3, 'parse', ''),
      frame(4, 'performIO', adapter, [5]),
      frame(5, 'toString', '', [7]),
      frame(7, 'all', ''),
      frame(6, '(idle)', ''),
    ],
    startTime: 0,
    endTime: 10_000,
    // A sample's time is the gap to the next one.
    samples: [2, 3, 3, 7, 6, 4],
    timeDeltas: [0, 1000, 2000, 3000, 1000, 2000],
  };

  it('sums self time by function and area; builtins go to their caller, idle to neither', () => {
    const s = summarise(profile);
    expect(s.idleMs).toBe(2);
    const area = Object.fromEntries(s.areas.map((a) => [a.area, a.selfMs]));
    expect(Object.keys(area).sort()).toEqual(['better-sqlite3', 'graphql-js', 'prisma']);
    expect(area['graphql-js']).toBeCloseTo(6);
    expect(area['better-sqlite3']).toBeCloseTo(1);
    expect(area.prisma).toBeCloseTo(10 / 6); // the last sample: the mean gap
    expect(s.frames[0]).toMatchObject({ function: 'parse', area: 'graphql-js', selfMs: 5 });
    expect(s.areas.reduce((a, x) => a + x.share, 0)).toBeCloseTo(1);
  });

  it('names areas by package and by our rooms', () => {
    expect(areaOf('file:///r/node_modules/@apollo/composition/dist/x.js')).toBe(
      '@apollo/composition',
    );
    expect(areaOf('file:///r/node_modules/graphql-middleware/dist/x.js')).toBe(
      'graphql-shield/graphql-middleware',
    );
    expect(areaOf('node:internal/http')).toBe('node internals');
    expect(areaOf(new URL('../../src/shared/audit/x.ts', import.meta.url).href)).toBe(
      'src/shared/audit',
    );
    expect(areaOf('')).toBeUndefined();
  });

  it('quantiles by nearest rank, least-squares slope', () => {
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile([...Array(100).keys()], 0.99)).toBe(98);
    expect(slope([1, 2, 3], [10, 12, 14])).toBe(2);
  });
});

describe('bench:profile and bench:soak (smoke runs, JSON)', () => {
  it('npm run bench:profile: every operation, every variant, areas and top frames', async () => {
    const { stdout, doc } = await smoke<ProfileDoc>(
      ['bench/profile.ts'],
      join(dir, 'profile.json'),
    );
    expectMachine(doc, 'bench/profile.ts');
    expect(doc.operations.map((o) => o.name)).toEqual(['dashboard', 'balance', 'payment']);
    for (const op of doc.operations) {
      expect(stdout).toContain(`### ${op.name} (`);
      expect(op.variants.map((v) => v.name)).toEqual([
        'gateway',
        'subgraph direct',
        'Hive gateway',
      ]);
      for (const v of op.variants) {
        expect(v.errors, `${op.name} ${v.name}`).toBe(0);
        for (const f of ['requests', 'rps', 'cpuMs', 'profiledBusyMsPerRequest'])
          expect(positive(v[f]), `${op.name} ${v.name} ${f}`).toBe(true);
        const areas = new Map(v.profile.areas.map((a) => [a.area, a]));
        for (const a of ['graphql-js', 'prisma']) expect(areas.get(a), a).toBeDefined();
        const sum = v.profile.areas.reduce((s, a) => s + a.selfMs, 0);
        expect(sum).toBeCloseTo(v.profile.busyMs, 3);
        expect(v.profile.frames.length).toBeGreaterThan(0);
        expect(v.profile.frames.length).toBeLessThanOrEqual(15);
        for (const f of v.profile.frames) expect(positive(f.selfMs)).toBe(true);
      }
    }
  }, 180_000);

  it('npm run bench:soak: capacity, rate, a row per minute and the verdict', async () => {
    const { stdout, doc } = await smoke<SoakDoc>(
      ['--expose-gc', 'bench/soak.ts', '--profile'],
      join(dir, 'soak.json'),
    );
    expectMachine(doc, 'bench/soak.ts');
    expect(positive(doc.capacityRps)).toBe(true);
    expect(doc.rate).toBeCloseTo(doc.capacityRps * 0.8, 6);
    // With --profile the capacity was measured under the profiler too.
    expect(positive(doc.capacitySignals.eventLoopPercent)).toBe(true);
    expect(positive(doc.capacitySignals.profile.busyMs)).toBe(true);
    expect(doc.minutes).toHaveLength(3);
    for (const m of doc.minutes) {
      expect(m.errors).toBe(0);
      for (const f of ['requests', 'rps', 'p50', 'p99', 'rssMiB', 'heapMiB'])
        expect(positive(m[f]), `minute ${m.minute} ${f}`).toBe(true);
      expect(m.p50).toBeLessThanOrEqual(m.p99);
      expect(positive(m.cpuMsPerRequest), `minute ${m.minute} CPU`).toBe(true);
      expect(m.stealPercent).toBeGreaterThanOrEqual(0);
      expect(m.stealPercent).toBeLessThanOrEqual(100);
      // What tells a slow minute's cause: the backlog, the loop's load, GC, the machine's
      // speed, the profile.
      expect(m.inFlightMean).toBeGreaterThanOrEqual(0);
      expect(m.inFlightMean).toBeLessThanOrEqual(m.inFlightMax);
      expect(Number.isInteger(m.inFlightMax)).toBe(true);
      expect(positive(m.eventLoopPercent), `minute ${m.minute} loop`).toBe(true);
      expect(m.eventLoopPercent).toBeLessThanOrEqual(100);
      expect(m.gcCount).toBeGreaterThanOrEqual(0);
      expect(m.gcLongestMs).toBeLessThanOrEqual(m.gcMs);
      expect(positive(m.probeMs), `minute ${m.minute} probe`).toBe(true);
      expect(m.probeMs).toBeLessThanOrEqual(m.probeMaxMs);
      expect(positive(m.profile.busyMs), `minute ${m.minute} profile`).toBe(true);
      expect(m.profile.areas.map((a) => a.area)).toContain('src/gateway');
      for (const op of ['dashboard', 'balance', 'payment'])
        expect(positive(m.operations[op].p99), op).toBe(true);
    }
    // A 2 s "minute" on a slow machine may see no scavenge; three of them all see some.
    expect(doc.minutes.reduce((a, m) => a + m.gcCount, 0)).toBeGreaterThan(0);
    expect(positive(doc.verdict.p99Ratio)).toBe(true);
    expect(Number.isFinite(doc.verdict.heapMiBPerMinute)).toBe(true);
    expect(stdout).toMatch(/verdict: (STEADY|DRIFT): last\/first minute p99 ×/);
    expect(stdout).toMatch(/ms per request by area[^\n]*\n\| minute \| [^\n]*src\/gateway/);
  }, 180_000);
});
