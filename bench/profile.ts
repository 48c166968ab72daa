// Where the CPU goes: a V8 CPU profile of each bench operation through our gateway, straight at
// the subgraph and through Hive Gateway, self time summed by area (package or our room) and by function.
// Usage (docs/BENCHMARKS.md): npm run bench:profile -- [--seconds 5] [--connections 8]
//   [--interval 500] [--top 15] [--operations balance,payment] [--json FILE] [--save DIR] [--smoke]
import './support/production-mode.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { main } from './support/args.ts';
import { startHiveGateway } from './support/hive.ts';
import { startProfiler, summarise, type ProfileSummary } from './support/cpu-profile.ts';
import { fmt, load, prime, table, type LoadResult, type Target } from './support/load.ts';
import { directTarget, gatewayTarget, operations, type Operation } from './support/operations.ts';
import { machineAtStart, writeRunJson } from './support/run-info.ts';
import { benchSecret, startBenchSystem, type BenchSystem } from './support/system.ts';

interface Variant {
  name: string;
  target: (op: Operation) => Promise<Target>;
}

/** Variants as `npm run bench` names and builds them, over one system. */
function variantsOver(s: BenchSystem, hiveUrl: string): Variant[] {
  return [
    { name: 'gateway', target: async (op) => gatewayTarget(s, op) },
    { name: 'subgraph direct', target: (op) => directTarget(s, op, benchSecret) },
    { name: 'Hive gateway', target: async (op) => gatewayTarget(s, op, hiveUrl) },
  ];
}

function options() {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      interval: { type: 'string' },
      top: { type: 'string' },
      operations: { type: 'string' },
      json: { type: 'string' },
      save: { type: 'string' },
      smoke: { type: 'boolean', default: false },
    },
  });
  const smoke = values.smoke ?? false;
  const num = (v: string | undefined, full: number, small: number) =>
    v !== undefined ? Number(v) : smoke ? small : full;
  return {
    smoke,
    seconds: num(values.seconds, 5, 0.5),
    warmup: num(values.warmup, 1, 0.2),
    connections: num(values.connections, 8, 2),
    intervalUs: num(values.interval, 500, 500),
    top: num(values.top, 15, 15),
    operations: values.operations?.split(',') ?? operations.map((op) => op.name),
    json: values.json,
    save: values.save,
  };
}

interface Measured {
  variant: string;
  load: LoadResult;
  profile: ProfileSummary;
}

const pct = (share: number) => `${fmt(share * 100)} %`;

/** Always a row of the area table; any other area only from this share of busy time. */
const namedAreas = [
  'graphql-js',
  '@apollo/composition',
  '@apollo/server',
  '@apollo/subgraph',
  'type-graphql',
  'graphql-shield/graphql-middleware',
  'prisma',
  'better-sqlite3',
  'jose',
  'src/shared/audit',
  'src/shared/auth',
  'src/gateway',
  'node internals',
  'GC',
  'load generator',
  'Hive gateway runtime',
];
const minShare = 0.01;

/**
 * Areas side by side, per variant: share of the main thread's busy samples, and that share of
 * the process CPU per request. Samples are taken on the wall clock, so on a shared machine the
 * profile's own milliseconds include time the thread waited for a core; its shares do not
 * (a preempted thread is preempted wherever it is), and process CPU counts only time run.
 */
function areaTable(ms: Measured[]): string {
  const all = [...new Set(ms.flatMap((m) => m.profile.areas.map((a) => a.area)))];
  const cost = (m: Measured, area: string) => m.profile.areas.find((a) => a.area === area);
  const perReq = (m: Measured, area: string) => (cost(m, area)?.share ?? 0) * m.load.cpuMs;
  const shown = all.filter(
    (a) => namedAreas.includes(a) || ms.some((m) => (cost(m, a)?.share ?? 0) >= minShare),
  );
  shown.sort((a, b) => perReq(ms[0]!, b) - perReq(ms[0]!, a));
  const rest = all.filter((a) => !shown.includes(a));
  const restOf = (m: Measured) => rest.reduce((sum, a) => sum + (cost(m, a)?.share ?? 0), 0);
  return table(
    ['area', ...ms.flatMap((m) => [`${m.variant} share`, '≈ CPU ms/req'])],
    [
      ...shown.map((area) => [
        area,
        ...ms.flatMap((m) => [pct(cost(m, area)?.share ?? 0), fmt(perReq(m, area), 2)]),
      ]),
      [
        `${rest.length} other areas, each < ${pct(minShare)}`,
        ...ms.flatMap((m) => [pct(restOf(m)), fmt(restOf(m) * m.load.cpuMs, 2)]),
      ],
      ['total (busy)', ...ms.flatMap((m) => ['100 %', fmt(m.load.cpuMs, 2)])],
    ],
  );
}

function frameTable(m: Measured): string {
  return table(
    ['function', 'location', 'area', 'called from', 'self ms', 'share'],
    m.profile.frames.map((f) => [
      f.function,
      f.location,
      f.area,
      f.calledFrom,
      fmt(f.selfMs, 1),
      pct(f.share),
    ]),
  );
}

main(async () => {
  const o = options();
  const machine = machineAtStart();
  const ops = operations.filter((op) => o.operations.includes(op.name));
  if (o.save) mkdirSync(o.save, { recursive: true });
  const s = await startBenchSystem();
  const hive = await startHiveGateway(s, benchSecret).catch(async (e: unknown) => {
    await s.stop();
    throw e;
  });
  const variants = variantsOver(s, hive.url);
  const results: { operation: string; connections: number; variants: Measured[] }[] = [];
  try {
    console.log(
      `profile: ${o.seconds}s per variant after ${o.warmup}s warm-up, ${o.connections} connections ` +
        `(scaled per operation as in npm run bench), sampling every ${o.intervalUs} µs; ` +
        `main thread only (gateway, subgraphs, banks and the load generator share it); ` +
        `load average ${machine.loadAverageStart.map((l) => fmt(l, 2)).join(' ')} on ${machine.nproc} cores`,
    );
    for (const op of ops) {
      const connections = Math.max(1, Math.round(o.connections * op.concurrency));
      const measured: Measured[] = [];
      for (const v of variants) {
        const target = await v.target(op);
        await prime(target);
        await load(target, { seconds: o.warmup, connections });
        const profiler = await startProfiler(o.intervalUs);
        const r = await load(await v.target(op), { seconds: o.seconds, connections });
        const raw = await profiler.stop();
        if (o.save) {
          const file = `${op.name}-${v.name.replace(/\W+/g, '-')}.cpuprofile`;
          writeFileSync(join(o.save, file), JSON.stringify(raw));
        }
        measured.push({ variant: v.name, load: r, profile: summarise(raw, o.top) });
      }
      results.push({ operation: op.name, connections, variants: measured });

      console.log(`\n### ${op.name} (${connections} connections)\n`);
      console.log(
        table(
          ['variant', 'requests', 'errors', 'req/s', 'CPU ms/req', 'sampled busy ms/req', 'idle'],
          measured.map((m) => [
            m.variant,
            m.load.requests,
            m.load.errors,
            fmt(m.load.rps),
            fmt(m.load.cpuMs, 2),
            fmt(m.profile.busyMs / Math.max(m.load.requests, 1), 2),
            pct(m.profile.idleMs / Math.max(m.profile.idleMs + m.profile.busyMs, 1e-9)),
          ]),
        ),
      );
      console.log(
        `\nSelf time by area, main thread (share of busy samples; × process CPU ms/req):\n`,
      );
      console.log(areaTable(measured));
      for (const m of measured) {
        console.log(`\nTop ${o.top} functions by self time, ${op.name} ${m.variant}:\n`);
        console.log(frameTable(m));
      }
    }
  } finally {
    await hive.stop();
    await s.stop();
  }
  if (o.json)
    writeRunJson(o.json, 'profile', machine, {
      options: o,
      operations: results.map((r) => ({
        name: r.operation,
        connections: r.connections,
        variants: r.variants.map((m) => ({
          name: m.variant,
          ...m.load,
          profiledBusyMsPerRequest: m.profile.busyMs / Math.max(m.load.requests, 1),
          profile: {
            ...m.profile,
            areas: m.profile.areas.map((a) => ({
              ...a,
              sampledMsPerRequest: a.selfMs / Math.max(m.load.requests, 1),
              cpuMsPerRequest: a.share * m.load.cpuMs,
            })),
          },
        })),
      })),
    });
});
