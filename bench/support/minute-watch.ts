import { PerformanceObserver, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Profiler } from 'node:inspector';
import { startProfiler, summarise, type ProfileSummary } from './cpu-profile.ts';
import { quantile } from './mix.ts';

/**
 * The same fixed piece of JavaScript, timed once a second on a worker thread: when the main
 * thread is busy with the system, the worker has the other core to itself, so its time moves
 * with the machine (a neighbour on the host, a slower core), not with our work. Plain
 * JavaScript in an eval'd worker: no loader, no module of ours, nothing that grows.
 */
const probeSource = `
const { parentPort, workerData } = require('node:worker_threads');
function work() {
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < 1_000_000; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; }
  const a = new Float64Array(10_000);
  for (let i = 0; i < a.length; i++) a[i] = ((x = (x * 1103515245 + 12345) | 0) >>> 0) / 4294967296;
  a.sort();
  return x + a[0];
}
work();
const timer = setInterval(() => {
  const t = performance.now();
  const r = work();
  parentPort.postMessage({ ms: performance.now() - t, r });
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); parentPort.close(); });
`;

/** What one minute looked like from inside the process, beyond its requests. */
export interface MinuteSignals {
  /** Share of the minute the main thread's event loop was busy (0–100). */
  eventLoopPercent: number;
  /** Main-thread garbage collection: total pause, pauses, longest. */
  gcMs: number;
  gcCount: number;
  gcLongestMs: number;
  /** The machine-speed probe's median and slowest time in the minute (ms); NaN without samples. */
  probeMs: number;
  probeMaxMs: number;
  /** With `profile`: the minute's CPU profile by area and function. */
  profile?: ProfileSummary;
}

/**
 * Records, per measured minute of a long run, what tells a slow minute's cause apart: the
 * event loop's load, garbage collection, the machine's speed, and optionally where the main
 * thread's time went (a sampling CPU profile per minute; not free, see docs/BENCHMARKS.md
 * "Soak").
 */
export async function startMinuteWatch(o: { profile: boolean; probeIntervalMs?: number }) {
  const gcs: { start: number; ms: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ start: e.startTime, ms: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });

  let probes: number[] = [];
  const probe = new Worker(probeSource, {
    eval: true,
    workerData: { intervalMs: o.probeIntervalMs ?? 1000 },
  });
  probe.on('message', (m: { ms: number }) => probes.push(m.ms));
  probe.unref();

  let started = 0;
  let elu: EventLoopUtilization | undefined;
  let profiler: { stop(): Promise<Profiler.Profile> } | undefined;

  return {
    async begin(): Promise<void> {
      started = performance.now();
      elu = performance.eventLoopUtilization();
      probes = [];
      if (o.profile) profiler = await startProfiler(1000);
    },
    async end(): Promise<MinuteSignals> {
      const ended = performance.now();
      const loop = performance.eventLoopUtilization(elu);
      const profile = profiler ? summarise(await profiler.stop(), 10) : undefined;
      profiler = undefined;
      // GC entries arrive asynchronously; one turn lets the minute's last ones in.
      await new Promise((r) => setImmediate(r));
      const mine = gcs.filter((g) => g.start >= started && g.start < ended);
      gcs.splice(0, gcs.length, ...gcs.filter((g) => g.start >= ended));
      const taken = probes;
      probes = [];
      return {
        eventLoopPercent: loop.utilization * 100,
        gcMs: mine.reduce((a, g) => a + g.ms, 0),
        gcCount: mine.length,
        gcLongestMs: mine.reduce((a, g) => Math.max(a, g.ms), 0),
        probeMs: quantile(taken, 0.5),
        probeMaxMs: taken.length ? Math.max(...taken) : NaN,
        ...(profile ? { profile } : {}),
      };
    },
    async stop(): Promise<void> {
      observer.disconnect();
      await profiler?.stop();
      probe.postMessage('stop');
      await probe.terminate();
    },
  };
}
