// Two results files of the same bench (`--json FILE` of bench, bench:scale, bench:audit or
// bench:layout), side by side: each variant's CPU ms/req and req/s in both runs, and the change.
// Usage (docs/BENCHMARKS.md): npm run bench:compare -- BEFORE.json AFTER.json
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { fmt, table } from './support/load.ts';

interface Figures {
  operation: string;
  variant: string;
  cpuMs: number | null;
  rps: number | null;
}
interface Results {
  bench?: string;
  run?: { smoke?: boolean; cores?: number; loadAverageBefore?: number[] };
  variants: Figures[];
}

function read(file: string): Results {
  const r = JSON.parse(readFileSync(file, 'utf8')) as Results;
  if (!Array.isArray(r.variants)) throw new Error(`${file}: no "variants": not a bench result`);
  return r;
}

/** `after / before` as a signed percentage, or n/a when either is missing or zero. */
const change = (before: number | null, after: number | null) =>
  before && after !== null && Number.isFinite(before) && Number.isFinite(after)
    ? `${after >= before ? '+' : ''}${fmt((after / before - 1) * 100)} %`
    : 'n/a';
const cell = (n: number | null | undefined, digits: number) =>
  n === null || n === undefined ? 'n/a' : fmt(n, digits);

export function compare(before: Results, after: Results): string {
  if ((before.bench ?? 'layout') !== (after.bench ?? 'layout'))
    throw new Error(`not the same bench: ${before.bench} and ${after.bench}`);
  const key = (f: Figures) => `${f.operation}\u0000${f.variant}`;
  const a = new Map(after.variants.map((f) => [key(f), f]));
  const b = new Map(before.variants.map((f) => [key(f), f]));
  // Every variant of either run, in the order the runs printed them.
  const keys = [...new Set([...b.keys(), ...a.keys()])];
  const rows = keys.map((k) => {
    const x = b.get(k);
    const y = a.get(k);
    const [operation, variant] = k.split('\u0000');
    return [
      operation!,
      variant!,
      cell(x?.cpuMs, 2),
      cell(y?.cpuMs, 2),
      change(x?.cpuMs ?? null, y?.cpuMs ?? null),
      cell(x?.rps, 1),
      cell(y?.rps, 1),
      change(x?.rps ?? null, y?.rps ?? null),
    ];
  });
  const conditions = (r: Results) =>
    `${r.run?.smoke ? 'smoke, ' : ''}${r.run?.cores ?? '?'} cores, load average before ` +
    `${(r.run?.loadAverageBefore ?? []).map((l) => fmt(l, 2)).join(' ') || '?'}`;
  return [
    `${before.bench ?? 'layout'}: before ${conditions(before)}; after ${conditions(after)}`,
    '',
    table(
      [
        'operation',
        'variant',
        'CPU ms/req before',
        'after',
        'change',
        'req/s before',
        'after',
        'change',
      ],
      rows,
    ),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const files = process.argv.slice(2).filter((f) => f !== '--');
  if (files.length !== 2) {
    console.error('usage: npm run bench:compare -- BEFORE.json AFTER.json');
    process.exit(2);
  }
  console.log(compare(read(files[0]!), read(files[1]!)));
}
