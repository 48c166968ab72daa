// Enrichment cost (issue 17.7): CPU per 1 000 transactions of categorising (enrichTransaction),
// recurring-stream detection and spending totals, on labelled sandbox statements; and the
// dashboard through the gateway with and without the enrichment fields.
// Usage (docs/BENCHMARKS.md):
//   npm run bench:enrichment -- [--smoke] [--json FILE]
import './support/production-mode.ts';
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { generateLabelledSet } from '../src/sandbox/data/labelled.ts';
import { enrichTransaction } from '../src/subgraphs/accounts/enrichment/index.ts';
import { detectRecurring } from '../src/subgraphs/accounts/enrichment/recurring.ts';
import { spendingTotals } from '../src/subgraphs/accounts/enrichment/spending.ts';
import { main, runOptions } from './support/args.ts';
import { cpuMs } from './support/cpu.ts';
import { fmt, table } from './support/load.ts';
import { startBenchSystem } from './support/system.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** CPU ms of `run`, the median of `rounds` runs (garbage collection lands in some). */
function cpuOf(rounds: number, run: () => unknown): number {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const before = cpuMs([]);
    run();
    samples.push(cpuMs([]) - before);
  }
  return median(samples);
}

const account = `id currency balances { type amount currency creditDebit dateTime }
  transactions(first: 100) { edges { node { id status amount currency creditDebit bookingDateTime description FIELDS } } }`;
const dashboards = [
  { name: 'dashboard', query: `{ me { accounts { ${account.replace('FIELDS', '')} } } }` },
  {
    name: 'dashboard + category, merchant',
    query: `{ me { accounts { ${account.replace('FIELDS', 'category { primary detailed confidence reason } merchant { id name categoryCode }')} } } }`,
  },
  {
    name: 'dashboard + streams, spending',
    query: `{ me { accounts { ${account.replace('FIELDS', '')} }
      recurringStreams { id name frequency status averageAmount expectedNextDate }
      spending(groupBy: CATEGORY) { key currency amount count } } }`,
  },
];

main(async () => {
  const o = runOptions({ seconds: 0, slice: 0, warmup: 0, connections: 1 }, { json: true });
  const loadBefore = loadavg().map((l) => fmt(l, 2));
  const set = generateLabelledSet({
    seed: 17,
    accounts: o.smoke ? 2 : 20,
    months: 25,
    endDate: '2026-11-15',
  });
  const n = set.lines.length;
  const rounds = o.smoke ? 1 : 7;
  const enriched = set.lines.map((l) => ({ line: l, e: enrichTransaction(l) }));
  const recurringInput = enriched.map(({ line, e }) => ({
    ...line,
    merchantName: e.merchant?.name ?? null,
    category: e.category.detailed,
  }));
  const per1000 = (ms: number) => (ms * 1000) / n;
  const stages = [
    ['enrichTransaction', cpuOf(rounds, () => set.lines.map((l) => enrichTransaction(l)))],
    ['detectRecurring', cpuOf(rounds, () => detectRecurring(recurringInput, set.asOf))],
    [
      'spendingTotals (CATEGORY)',
      cpuOf(rounds, () => spendingTotals(recurringInput, 'CATEGORY', 'Debit')),
    ],
    [
      'spendingTotals (MONTH)',
      cpuOf(rounds, () => spendingTotals(recurringInput, 'MONTH', 'Debit')),
    ],
  ] as const;
  console.log(`\n### Enrichment CPU (${n} labelled transactions, median of ${rounds})\n`);
  console.log(
    table(
      ['stage', 'CPU ms total', 'CPU ms / 1 000 tx'],
      stages.map(([name, ms]) => [name, fmt(ms, 1), fmt(per1000(ms), 2)]),
    ),
  );

  const requests = o.smoke ? 2 : 30;
  const bench = await startBenchSystem();
  const dashboardRows: {
    name: string;
    ok: boolean;
    cpuMs: number;
    wallMs: number;
    bytes: number;
  }[] = [];
  try {
    for (const d of dashboards) {
      const send = async () => {
        const res = await fetch(`${bench.gatewayUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bench.bearer}` },
          body: JSON.stringify({ query: d.query }),
        });
        const text = await res.text();
        return { ok: res.ok && !text.includes('"errors"'), bytes: text.length };
      };
      for (let i = 0; i < 2; i++) await send(); // warm: first reads sync from the bank
      const cpu: number[] = [];
      const wall: number[] = [];
      let last = { ok: true, bytes: 0 };
      for (let i = 0; i < requests; i++) {
        const c0 = cpuMs([]);
        const t0 = performance.now();
        last = await send();
        wall.push(performance.now() - t0);
        cpu.push(cpuMs([]) - c0);
        if (!last.ok) break;
      }
      dashboardRows.push({
        name: d.name,
        ok: last.ok,
        cpuMs: median(cpu),
        wallMs: median(wall),
        bytes: last.bytes,
      });
    }
  } finally {
    await bench.stop();
  }
  const base = dashboardRows[0]!;
  console.log(`\n### Dashboard through the gateway (one client, median of ${requests})\n`);
  console.log(
    table(
      ['variant', 'CPU ms / request', 'p50 ms', 'response KB', 'CPU vs dashboard'],
      dashboardRows.map((r) =>
        r.ok
          ? [
              r.name,
              fmt(r.cpuMs, 1),
              fmt(r.wallMs, 1),
              fmt(r.bytes / 1024, 1),
              `×${fmt(r.cpuMs / base.cpuMs, 2)}`,
            ]
          : [r.name, 'errors', '-', '-', '-'],
      ),
    ),
  );
  const loadAfter = loadavg().map((l) => fmt(l, 2));
  console.log(
    `\ncores ${availableParallelism()}, load before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')}`,
  );
  if (o.json) {
    writeFileSync(
      o.json,
      JSON.stringify(
        {
          transactions: n,
          rounds,
          stages: Object.fromEntries(
            stages.map(([name, ms]) => [name, { cpuMs: ms, cpuMsPer1000: per1000(ms) }]),
          ),
          dashboard: dashboardRows,
          machine: { cores: availableParallelism(), loadBefore, loadAfter },
        },
        null,
        2,
      ),
    );
  }
});
