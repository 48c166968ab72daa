// How latency, memory and bank calls grow with transactions per account and connected banks.
// Usage (docs/BENCHMARKS.md):
//   npm run bench:scale -- [--seconds 5] [--connections 4] [--smoke] [--json FILE]
// Run with --expose-gc (the npm script does) so heap figures are after a full collection.
import './support/production-mode.ts';
import { startSandboxBank, type SandboxBank } from '../src/sandbox/index.ts';
import { main, runOptions } from './support/args.ts';
import { fmt, load, prime, table } from './support/load.ts';
import { dashboard, gatewayTarget } from './support/operations.ts';
import { resultsRecorder } from './support/results.ts';
import { startBenchSystem } from './support/system.ts';

interface Case {
  label: string;
  transactions: number;
  banks: number;
}

/** Banks of both standards in turn, started here so there can be more than the embedded three. */
async function startBanks(count: number, transactions: number): Promise<SandboxBank[]> {
  const banks: SandboxBank[] = [];
  for (let i = 0; i < count; i++) {
    const obie = i % 2 === 0;
    banks.push(
      await startSandboxBank({
        id: `bench-bank-${i + 1}`,
        standard: obie ? 'obie' : 'berlin-group',
        seed: 1000 + i,
        transactionsPerAccount: transactions,
      }),
    );
  }
  return banks;
}

const mib = (bytes: number) => bytes / 1024 / 1024;
const collect = () => (globalThis as { gc?: () => void }).gc?.();

main(async () => {
  const o = runOptions({ seconds: 5, slice: 5, warmup: 1, connections: 4 }, { json: true });
  // No ratios: each case is its own system, compared with itself across runs.
  const results = resultsRecorder('scale', o);
  const cases: Case[] = o.smoke
    ? [
        { label: 'tx/account', transactions: 20, banks: 1 },
        { label: 'banks', transactions: 20, banks: 2 },
      ]
    : [
        ...[100, 1000, 10_000].map((t) => ({ label: 'tx/account', transactions: t, banks: 3 })),
        ...[1, 3, 10].map((b) => ({ label: 'banks', transactions: 200, banks: b })),
      ];
  collect();
  const baseline = process.memoryUsage();
  console.log(
    `scale: dashboard (me → accounts → balances → first 100 transactions) through the gateway, ` +
      `${o.seconds}s per case after ${o.warmup}s warm-up, ${o.connections} connections; ` +
      `process baseline RSS ${fmt(mib(baseline.rss))} MiB, heap ${fmt(mib(baseline.heapUsed))} MiB`,
  );
  const rows: (string | number)[][] = [];
  for (const c of cases) {
    const banks = await startBanks(c.banks, c.transactions);
    const started = performance.now();
    const s = await startBenchSystem({
      SANDBOX_BANKS: 'false',
      BANKS: JSON.stringify(
        banks.map((b) => ({
          id: b.id,
          name: b.id,
          standard: b.standard,
          baseUrl: b.url,
          clientId: 'ledgergraph',
          clientSecret: 'sandbox-secret',
          sandbox: true,
          country: b.standard === 'obie' ? 'GB' : 'DE',
        })),
      ),
    });
    try {
      const startMs = performance.now() - started;
      const calls = () => banks.reduce((n, b) => n + b.callCount(), 0);
      const target = gatewayTarget(s, dashboard);
      let before = calls();
      const t0 = performance.now();
      await prime(target);
      const coldMs = performance.now() - t0;
      const coldCalls = calls() - before;
      await load(target, { seconds: o.warmup, connections: o.connections });
      before = calls();
      const r = await load(target, { seconds: o.seconds, connections: o.connections });
      const warmCalls = (calls() - before) / Math.max(r.requests, 1);
      collect();
      const m = process.memoryUsage();
      const name = `${c.label}: ${c.label === 'banks' ? c.banks : c.transactions}`;
      results.variants.push({
        operation: dashboard.name,
        connections: o.connections,
        variant: name,
        ...r,
        transactionsPerAccount: c.transactions,
        banks: c.banks,
        accounts: s.accounts.length,
        startSeconds: startMs / 1000,
        coldMs,
        bankCallsCold: coldCalls,
        bankCallsWarmPerQuery: warmCalls,
        rssMiB: mib(m.rss),
        heapMiB: mib(m.heapUsed),
      });
      rows.push([
        name,
        c.transactions,
        c.banks,
        s.accounts.length,
        fmt(startMs / 1000, 1),
        fmt(coldMs, 0),
        coldCalls,
        fmt(coldCalls / s.accounts.length, 1),
        fmt(warmCalls, 2),
        r.requests,
        r.errors,
        fmt(r.rps),
        fmt(r.p50),
        fmt(r.p99),
        fmt(mib(m.rss), 0),
        fmt(mib(m.heapUsed), 0),
      ]);
    } finally {
      await s.stop();
      await Promise.all(banks.map((b) => b.close()));
    }
  }
  console.log('');
  console.log(
    table(
      [
        'case',
        'tx/account',
        'banks',
        'accounts',
        'start+seed s',
        'cold query ms',
        'bank calls (cold)',
        'per account',
        'bank calls/query (warm)',
        'requests',
        'errors',
        'req/s',
        'p50 ms',
        'p99 ms',
        'RSS MiB',
        'heap MiB',
      ],
      rows,
    ),
  );
  results.write({ baseline: { rssMiB: mib(baseline.rss), heapMiB: mib(baseline.heapUsed) } });
});
