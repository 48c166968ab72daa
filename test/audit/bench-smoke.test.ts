import { describe, expect, it } from 'vitest';
import { formatResults, runAuditBenchmark, type BenchOptions } from '../../bench/audit-overhead.ts';

// A few seconds of `npm run bench:audit`, so the benchmark keeps working as the graph grows.
// Speed is never asserted here; docs/BENCHMARKS.md holds the numbers of a real run.
describe('audit overhead benchmark (smoke run)', () => {
  it('runs both modes through the gateway without errors and reports the ratio', async () => {
    const o: BenchOptions = { durationMs: 1000, sliceMs: 500, concurrency: 4, warmupMs: 300 };
    const r = await runAuditBenchmark(o);
    for (const mode of [r.off, r.on]) {
      expect(mode.requests).toBeGreaterThan(0);
      expect(mode.errors).toBe(0);
    }
    expect(r.off.recordsPerRequest).toBeUndefined();
    expect(r.on.recordsPerRequest).toBeGreaterThan(20);
    expect(formatResults(r, o)).toMatch(/on\/off: p50 ×[\d.]+, p99 ×[\d.]+, throughput ×[\d.]+/);
  }, 60_000);
});
