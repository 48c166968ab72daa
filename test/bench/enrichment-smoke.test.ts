import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { tableRows } from '../support/bench-output.ts';

// `npm run bench:enrichment -- --smoke` as npm starts it (a few seconds): it must still run
// against the current enrichment and graph and print both tables with numbers, no failed
// dashboard variant. Speed is never asserted; docs/BENCHMARKS.md holds a real run's figures.
const run = promisify(execFile);
const number = /^×?-?\d+(\.\d+)?$/;

it('npm run bench:enrichment -- --smoke: CPU per stage and the dashboard variants, with numbers', async () => {
  const { stdout, stderr } = await run(
    process.execPath,
    ['--import', 'tsx', 'bench/enrichment.ts', '--smoke'],
    { cwd: process.cwd(), timeout: 60_000, maxBuffer: 4 * 1024 * 1024 },
  );
  expect(stderr).not.toMatch(/error/i);

  const stages = tableRows(stdout, 'stage');
  expect(stages.map((r) => r[0])).toEqual([
    'enrichTransaction',
    'detectRecurring',
    'spendingTotals (CATEGORY)',
    'spendingTotals (MONTH)',
  ]);
  for (const r of stages) for (const cell of r.slice(1)) expect(cell, r[0]).toMatch(number);
  expect(Number(stages[0]![2])).toBeGreaterThan(0);

  const dashboards = tableRows(stdout, 'variant');
  expect(dashboards.map((r) => r[0])).toEqual([
    'dashboard',
    'dashboard + category, merchant',
    'dashboard + streams, spending',
  ]);
  // A variant whose responses carried GraphQL errors prints "errors" instead of numbers.
  for (const r of dashboards) for (const cell of r.slice(1)) expect(cell, r[0]).toMatch(number);
  expect(stdout).toMatch(/cores \d+, load before/);
}, 90_000);
