// Does the system hold steady for minutes? A mix of the bench operations through the gateway at
// 80 % of the throughput measured first in the same run; latency and memory per minute.
// Usage (docs/BENCHMARKS.md): npm run bench:soak -- [--minutes 10] [--load 0.8] [--connections 8]
//   [--measure 30] [--warmup 60] [--period 60] [--profile] [--json FILE] [--smoke]
// Run with --expose-gc (the npm script does) so heap figures are after a full collection.
import './support/production-mode.ts';
import { parseArgs } from 'node:util';
import { main } from './support/args.ts';
import { cpuMs, machineTicks } from './support/cpu.ts';
import { fmt, prime, table } from './support/load.ts';
import { startMinuteWatch, type MinuteSignals } from './support/minute-watch.ts';
import { mixClient, quantile, slope, type MixEntry, type Sample } from './support/mix.ts';
import { gatewayTarget, operations } from './support/operations.ts';
import { machineAtStart, writeRunJson } from './support/run-info.ts';
import { startBenchSystem } from './support/system.ts';

/**
 * Requests per cycle of ten: mostly balances, some payments, one dashboard (which costs as
 * much CPU as the other nine together). Payments grow the stores (and the sandbox banks'
 * in-memory state) as they would in use.
 */
const weights: Record<string, number> = { balance: 7, payment: 2, dashboard: 1 };

/** The verdict's thresholds: beyond either, the line says DRIFT. */
const maxP99Ratio = 1.5;
const maxHeapMiBPerMinute = 1;

function options() {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string' },
      load: { type: 'string' },
      connections: { type: 'string' },
      measure: { type: 'string' },
      warmup: { type: 'string' },
      period: { type: 'string' },
      json: { type: 'string' },
      profile: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
    },
  });
  const smoke = values.smoke ?? false;
  const num = (v: string | undefined, full: number, small: number) =>
    v !== undefined ? Number(v) : smoke ? small : full;
  return {
    smoke,
    minutes: num(values.minutes, 10, 3),
    load: num(values.load, 0.8, 0.8),
    connections: num(values.connections, 8, 4),
    measureSeconds: num(values.measure, 30, 2),
    warmupSeconds: num(values.warmup, 60, 1),
    /** Seconds per reported "minute"; only --smoke (and tests) shorten it. */
    periodSeconds: num(values.period, 60, 2),
    /** A CPU profile per minute, summarised by area (it costs capacity: measured with it on). */
    profile: values.profile ?? false,
    json: values.json,
  };
}

const mib = (bytes: number) => bytes / 1024 / 1024;

function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rssMiB: mib(m.rss), heapMiB: mib(m.heapUsed) };
}

function figures(samples: Sample[]) {
  const ms = samples.filter((s) => s.ok).map((s) => s.ms);
  return { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99) };
}

/**
 * Main-thread time per request by area, minute by minute, for the areas that cost most over
 * the whole run: a slow minute's extra work shows in the area that grew.
 */
function areaTable(minutes: (MinuteSignals & { minute: number; requests: number })[]): string {
  const total = new Map<string, number>();
  for (const m of minutes)
    for (const a of m.profile?.areas ?? []) total.set(a.area, (total.get(a.area) ?? 0) + a.selfMs);
  const top = [...total]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 9)
    .map(([area]) => area);
  return [
    // Wall-clock samples: time the hypervisor took from the thread counts where it fell, so
    // a machine that slows shows as every area growing together.
    'main thread ms per request by area (a sampling profile per minute):',
    table(
      ['minute', ...top, 'busy ms/req'],
      minutes.map((m) => {
        const per = (ms: number) => fmt(ms / Math.max(1, m.requests), 2);
        const areas = new Map((m.profile?.areas ?? []).map((a) => [a.area, a.selfMs]));
        return [m.minute, ...top.map((a) => per(areas.get(a) ?? 0)), per(m.profile?.busyMs ?? 0)];
      }),
    ),
  ].join('\n');
}

main(async () => {
  const o = options();
  const machine = machineAtStart();
  const s = await startBenchSystem();
  try {
    const entries: MixEntry[] = operations.map((op) => ({
      name: op.name,
      target: gatewayTarget(s, op),
      weight: weights[op.name] ?? 1,
    }));
    for (const e of entries) await prime(e.target);
    const client = mixClient(entries, Math.max(o.connections, 64));

    // Started before the capacity is measured, so the probe's worker is warm and, with
    // --profile, the profiler's own cost is in the capacity as it will be in every minute
    // (else the soak would run nearer saturation than --load says).
    const watch = await startMinuteWatch({ profile: o.profile });
    // Capacity first, closed loop, after a short warm-up of its own.
    await client.closedLoop(Math.min(5, o.measureSeconds / 2), o.connections);
    await watch.begin();
    const capacity = await client.closedLoop(o.measureSeconds, o.connections);
    // The same figures for the capacity run, kept in the JSON to read a minute against.
    const capacitySignals = await watch.end();
    const capacityRps = capacity.samples.length / capacity.seconds;
    const rate = capacityRps * o.load;
    const gcNote = (globalThis as { gc?: unknown }).gc ? 'after a full GC' : 'without --expose-gc';
    console.log(
      `soak: mix ${entries.map((e) => `${e.name} ×${e.weight}`).join(', ')} through the gateway; ` +
        `capacity ${fmt(capacityRps)} req/s (closed loop, ${o.connections} connections, ${o.measureSeconds}s); ` +
        `soak at ${fmt(o.load * 100, 0)} % = ${fmt(rate)} req/s open loop for ${o.minutes} × ${o.periodSeconds}s ` +
        `after ${o.warmupSeconds}s warm-up; latency from when each request was due; memory ${gcNote}; ` +
        `load average ${machine.loadAverageStart.map((l) => fmt(l, 2)).join(' ')} on ${machine.nproc} cores`,
    );

    await client.openLoop(rate, o.warmupSeconds, 1000);
    const baseline = memory();
    const minutes = [];
    /** The first failed requests, as answered: a DRIFT for errors says which. */
    const failures: { minute: number; op: string; failure: string }[] = [];
    for (let m = 1; m <= o.minutes; m++) {
      // Whether a slow minute was ours (more CPU per request) or the machine's (stolen time).
      const cpuBefore = cpuMs([]);
      const ticksBefore = machineTicks();
      await watch.begin();
      const r = await client.openLoop(rate, o.periodSeconds, 1000);
      const cpu = cpuMs([]) - cpuBefore;
      const ticks = machineTicks();
      const signals: MinuteSignals = await watch.end();
      const allTicks = ticks.total - ticksBefore.total;
      for (const x of r.samples) {
        if (!x.ok && failures.length < 10) {
          failures.push({ minute: m, op: x.op, failure: x.failure ?? '' });
        }
      }
      const byOp = Object.fromEntries(
        entries.map((e) => [e.name, figures(r.samples.filter((x) => x.op === e.name))]),
      );
      minutes.push({
        minute: m,
        requests: r.samples.length,
        errors: r.samples.filter((x) => !x.ok).length,
        dropped: r.dropped,
        rps: r.samples.length / r.seconds,
        ...figures(r.samples),
        cpuMsPerRequest: cpu / Math.max(1, r.samples.length),
        stealPercent: allTicks > 0 ? ((ticks.steal - ticksBefore.steal) / allTicks) * 100 : 0,
        operations: byOp,
        inFlightMean: r.inFlight.mean,
        inFlightMax: r.inFlight.max,
        ...signals,
        ...memory(),
      });
    }
    client.close();
    await watch.stop();

    console.log('');
    console.log(
      table(
        [
          'minute',
          'requests',
          'errors',
          'dropped',
          'req/s',
          'p50 ms',
          'p99 ms',
          ...entries.map((e) => `${e.name} p99`),
          'CPU ms/req',
          'steal %',
          'in flight',
          'loop %',
          'GC ms',
          'probe ms',
          'RSS MiB',
          'heap MiB',
        ],
        [
          [
            'after warm-up',
            '',
            '',
            '',
            '',
            '',
            '',
            ...entries.map(() => ''),
            '',
            '',
            '',
            '',
            '',
            '',
            fmt(baseline.rssMiB),
            fmt(baseline.heapMiB),
          ],
          ...minutes.map((x) => [
            x.minute,
            x.requests,
            x.errors,
            x.dropped,
            fmt(x.rps),
            fmt(x.p50),
            fmt(x.p99),
            ...entries.map((e) => fmt(x.operations[e.name]!.p99)),
            fmt(x.cpuMsPerRequest, 2),
            fmt(x.stealPercent, 1),
            `${fmt(x.inFlightMean)} (${x.inFlightMax})`,
            fmt(x.eventLoopPercent, 0),
            fmt(x.gcMs, 0),
            fmt(x.probeMs, 2),
            fmt(x.rssMiB),
            fmt(x.heapMiB),
          ]),
        ],
      ),
    );

    if (o.profile) console.log(`\n${areaTable(minutes)}`);

    const at = minutes.map((x) => (x.minute * o.periodSeconds) / 60);
    const first = minutes[0]!;
    const last = minutes[minutes.length - 1]!;
    const verdict = {
      p99Ratio: last.p99 / first.p99,
      heapMiBPerMinute: slope(
        at,
        minutes.map((x) => x.heapMiB),
      ),
      rssMiBPerMinute: slope(
        at,
        minutes.map((x) => x.rssMiB),
      ),
      errors: minutes.reduce((a, x) => a + x.errors, 0),
      dropped: minutes.reduce((a, x) => a + x.dropped, 0),
      steady: false,
    };
    verdict.steady =
      verdict.p99Ratio <= maxP99Ratio &&
      !(verdict.heapMiBPerMinute > maxHeapMiBPerMinute) &&
      verdict.errors === 0 &&
      verdict.dropped === 0;
    console.log(
      `\nverdict: ${verdict.steady ? 'STEADY' : 'DRIFT'}: last/first minute p99 ×${fmt(verdict.p99Ratio, 2)}, ` +
        `heap ${fmt(verdict.heapMiBPerMinute, 2)} MiB/min, RSS ${fmt(verdict.rssMiBPerMinute, 2)} MiB/min ` +
        `(least squares over ${minutes.length} minutes), ${verdict.errors} errors, ${verdict.dropped} dropped ` +
        `(steady: p99 ×≤${maxP99Ratio}, heap ≤${maxHeapMiBPerMinute} MiB/min, no errors, none dropped)` +
        (o.periodSeconds < 60
          ? `; "minutes" of ${o.periodSeconds}s: not a soak, the verdict means nothing`
          : ''),
    );
    for (const f of failures) console.log(`failed (minute ${f.minute}, ${f.op}): ${f.failure}`);
    if (o.json)
      writeRunJson(o.json, 'soak', machine, {
        options: o,
        mix: weights,
        capacityRps,
        capacitySignals,
        rate,
        baseline,
        minutes,
        verdict,
        failures,
      });
  } finally {
    await s.stop();
  }
});
