// Per-service layout vs one process (issue 11): the same operations, the same seeded consent
// and the same SQLite stores, through the embedded system (every service in this process) and
// through one process per service (`serve <service>`), side by side in one run.
// Usage (docs/BENCHMARKS.md):
//   npm run bench:layout -- [--seconds 10] [--slice 2] [--warmup 2] [--connections 8] [--smoke]
//                           [--json FILE]
import './support/production-mode.ts';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFederation } from '../test/support/processes.ts';
import { main, runOptions } from './support/args.ts';
import { cpuMs } from './support/cpu.ts';
import {
  fmt,
  ratioLine,
  ratioOf,
  resultCells,
  resultColumns,
  sideBySide,
  table,
  type LoadOptions,
  type LoadResult,
  type Target,
} from './support/load.ts';
import { startLoadProcess } from './support/load-process.ts';
import { balance, dashboard, gatewayTarget, payment } from './support/operations.ts';
import { seedConsent, type Seeded } from './support/seed.ts';
import { benchEnv, startBenchSystem } from './support/system.ts';

interface Variant {
  name: string;
  seeded: Seeded;
  /** Gateway origins the load generator spreads its connections over. */
  urls: string[];
}
type LayoutTarget = Target & { variant: Variant; operation: string };

const single = 'one process';
const perService = 'per-service';
const twoGateways = 'per-service, 2 gateways';
const comparisons: [string, string, string][] = [
  [`${perService} / ${single}`, perService, single],
  [`${twoGateways} / ${single}`, twoGateways, single],
  [`${twoGateways} / ${perService}`, twoGateways, perService],
];

/** Starts all of them side by side; if one fails, the others are stopped before it throws. */
async function startAll<T extends { stop(): Promise<void> }[]>(
  starts: { [K in keyof T]: Promise<T[K]> },
  cleanup: (() => Promise<void>)[],
): Promise<T> {
  const settled = await Promise.allSettled(starts);
  for (const s of settled) if (s.status === 'fulfilled') cleanup.push(() => s.value.stop());
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as T;
}

const load = () => loadavg().map((l) => fmt(l, 2));

main(async () => {
  const o = runOptions({ seconds: 10, slice: 2, warmup: 2, connections: 8 }, { json: true });
  const loadBefore = load();
  const cleanup: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const c of cleanup.splice(0).reverse()) await c().catch((e: unknown) => console.error(e));
  };
  // Interrupted (a test's timeout, ^C): the service processes must not outlive the bench.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void stopAll().finally(() => process.exit(130)));
  try {
    const dir = mkdtempSync(join(tmpdir(), 'lg-bench-layout-'));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true, maxRetries: 5 }));
    // The bench's env without its ports: the federation picks fixed free ones per service.
    const env = Object.fromEntries(Object.entries(benchEnv).filter(([k]) => !/(^|_)PORT$/.test(k)));
    const t0 = performance.now();
    const [embedded, federation, loader] = await startAll(
      [
        startBenchSystem(),
        startFederation({ env: { ...env, DATA_DIR: dir }, gatewayReplicas: 2 }),
        startLoadProcess(),
      ],
      cleanup,
    );
    const separate = await seedConsent(federation.gatewayUrls[0]!);
    const startSeconds = (performance.now() - t0) / 1000;
    const variants: Variant[] = [
      { name: single, seeded: embedded, urls: [embedded.gatewayUrl] },
      { name: perService, seeded: separate, urls: [federation.gatewayUrls[0]!] },
      { name: twoGateways, seeded: separate, urls: federation.gatewayUrls },
    ];
    // Every server process, whichever variant is under load.
    const serverPids = federation.processes.map((p) => p.child.pid!);
    // The floor under every CPU ms/req: timers and housekeeping of 7 idle processes, which
    // weigh per request only when requests are few (a loaded machine).
    const idle0 = cpuMs(serverPids);
    await new Promise((r) => setTimeout(r, o.slice * 1000));
    const idleCpuMsPerSecond = (cpuMs(serverPids) - idle0) / o.slice;
    const loadGen = new Map<string, { cpuMs: number; requests: number }>();
    const measure = async (t: LayoutTarget, lo: LoadOptions): Promise<LoadResult> => {
      const cpu0 = cpuMs(serverPids);
      const r = await loader.run({
        operation: t.operation,
        seeded: {
          gatewayUrl: t.variant.seeded.gatewayUrl,
          bearer: t.variant.seeded.bearer,
          consentId: t.variant.seeded.consentId,
          accounts: t.variant.seeded.accounts,
        },
        urls: t.variant.urls,
        seconds: lo.seconds,
        connections: lo.connections,
      });
      const cpu = cpuMs(serverPids) - cpu0;
      const g = loadGen.get(t.variant.name) ?? { cpuMs: 0, requests: 0 };
      loadGen.set(t.variant.name, {
        cpuMs: g.cpuMs + r.cpuMs * r.requests,
        requests: g.requests + r.requests,
      });
      return { ...r, cpuMs: cpu / Math.max(r.requests, 1) };
    };

    const cores = availableParallelism();
    console.log(
      `layout: ${o.seconds}s per variant in ${o.slice}s slices (order rotating), ${o.warmup}s ` +
        `warm-up, ${o.connections} connections from a load generator in its own process; ` +
        `SQLite, shield on, audit on; ${cores} cores, load average before ${loadBefore.join(' ')}; ` +
        `${federation.processes.length} service processes and the embedded system started and ` +
        `seeded in ${fmt(startSeconds)}s; all server processes idle: ` +
        `${fmt(idleCpuMsPerSecond)} ms CPU/s`,
    );
    const rows: Record<string, unknown>[] = [];
    const ratios: Record<string, unknown>[] = [];
    for (const op of [dashboard, balance, payment]) {
      const connections = Math.max(1, Math.round(o.connections * op.concurrency));
      loadGen.clear();
      const r = await sideBySide<LayoutTarget>(
        variants.map((v) => ({
          name: v.name,
          target: async () => ({
            ...gatewayTarget(v.seeded, op, v.urls[0]),
            variant: v,
            operation: op.name,
          }),
        })),
        { ...o, connections },
        undefined,
        measure,
      );
      const base = r[single]!;
      console.log(`\n### ${op.name} (${connections} connections)\n`);
      console.log(
        table(
          [...resultColumns, 'load gen CPU ms/req', 'req/s vs one process'],
          variants.map((v) => {
            const g = loadGen.get(v.name)!;
            return [
              ...resultCells(v.name, r[v.name]!),
              fmt(g.cpuMs / Math.max(g.requests, 1), 2),
              `×${fmt(r[v.name]!.rps / base.rps, 2)}`,
            ];
          }),
        ),
      );
      console.log('');
      for (const [label, a, b] of comparisons) {
        console.log(ratioLine(label, r[a], r[b]));
        ratios.push({ operation: op.name, label, ...ratioOf(r[a]!, r[b]!) });
      }
      for (const v of variants) {
        const g = loadGen.get(v.name)!;
        rows.push({
          operation: op.name,
          connections,
          variant: v.name,
          ...r[v.name],
          loadGenCpuMs: g.cpuMs / Math.max(g.requests, 1),
        });
      }
    }
    const loadAfter = load();
    console.log(`\nload average after: ${loadAfter.join(' ')}`);
    if (o.json) {
      const run = {
        ...o,
        cores,
        startSeconds,
        idleCpuMsPerSecond,
        loadAverageBefore: loadBefore,
        loadAverageAfter: loadAfter,
      };
      writeFileSync(o.json, `${JSON.stringify({ run, variants: rows, ratios }, null, 2)}\n`);
    }
  } finally {
    await stopAll();
  }
});
