import autocannon from 'autocannon';

/** One HTTP GraphQL endpoint and how to build each request to it. */
export interface Target {
  url: string;
  /** Headers of the next request (a token, a signed context). */
  headers: () => Record<string, string>;
  /** Body of the next request: a fresh idempotency key each time, where the operation needs one. */
  body: () => string;
}

export interface LoadResult {
  requests: number;
  /** Non-2xx, socket errors and 200s whose body carries GraphQL errors. */
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  /**
   * Process CPU (all threads) per request. Every server of every variant is in this process,
   * but only the one under load works, so this is the variant's cost, and the figure least
   * moved by other work on the machine.
   */
  cpuMs: number;
}

export interface LoadOptions {
  seconds: number;
  connections: number;
  /** Replicas of `t.url` to spread the connections over, round-robin (instead of `t.url`). */
  urls?: string[];
}

/**
 * A closed loop of `connections` keep-alive clients for `seconds`. Every response body is
 * read for `"errors"`, since GraphQL reports failure with 200.
 */
export async function load(t: Target, o: LoadOptions): Promise<LoadResult> {
  let graphqlErrors = 0;
  const cpu0 = process.cpuUsage();
  const r = await autocannon({
    url: o.urls ?? t.url,
    connections: o.connections,
    duration: o.seconds,
    // autocannon checks for the end only at its samples (1 s apart by default): a shorter
    // run (a smoke run's half second) would last a whole second without this.
    sampleInt: Math.min(1000, o.seconds * 1000),
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => ({
          ...req,
          method: 'POST',
          headers: { 'content-type': 'application/json', ...t.headers() },
          body: t.body(),
        }),
        onResponse: (status, body) => {
          if (status === 200 && body.includes('"errors"')) graphqlErrors += 1;
        },
      },
    ],
  });
  const cpu = process.cpuUsage(cpu0);
  return {
    cpuMs: (cpu.user + cpu.system) / 1000 / Math.max(r.requests.total, 1),
    requests: r.requests.total,
    errors: r.errors + r.timeouts + r.non2xx + graphqlErrors,
    rps: r.requests.total / Math.max(r.duration, 0.001),
    p50: r.latency.p50,
    p99: r.latency.p99,
  };
}

/** One request, awaited: the first (cold) request of a target is never a measured one. */
export async function prime(t: Target): Promise<void> {
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...t.headers() },
    body: t.body(),
  });
  const body = await res.text();
  if (!res.ok || body.includes('"errors"'))
    throw new Error(`${t.url}: ${res.status} ${body.slice(0, 500)}`);
}

/** Sums the rounds of one variant: counts add up, percentiles are averaged over rounds. */
export function merge(rounds: LoadResult[]): LoadResult {
  const n = Math.max(rounds.length, 1);
  const sum = (f: (r: LoadResult) => number) => rounds.reduce((a, r) => a + f(r), 0);
  return {
    requests: sum((r) => r.requests),
    errors: sum((r) => r.errors),
    rps: sum((r) => r.rps) / n,
    p50: sum((r) => r.p50) / n,
    p99: sum((r) => r.p99) / n,
    cpuMs:
      sum((r) => r.cpuMs * r.requests) /
      Math.max(
        sum((r) => r.requests),
        1,
      ),
  };
}

/**
 * Primes and warms every variant, then measures them side by side: `seconds` each, in turns
 * of `slice` seconds, the order rotating each round so drift (GC, store growth) favours none.
 * `target` is asked again for each turn; `ready` runs between the warm-up and the first turn;
 * `measure` puts the load on (by default from this process).
 */
export async function sideBySide<T extends Target = Target>(
  variants: { name: string; target: () => Promise<T> }[],
  o: { seconds: number; slice: number; warmup: number; connections: number },
  ready?: () => Promise<void>,
  measure: (t: T, o: LoadOptions) => Promise<LoadResult> = load,
): Promise<Record<string, LoadResult>> {
  const { connections } = o;
  for (const v of variants) await prime(await v.target());
  if (o.warmup > 0)
    for (const v of variants) await measure(await v.target(), { seconds: o.warmup, connections });
  await ready?.();
  const rounds = new Map<string, LoadResult[]>(variants.map((v) => [v.name, []]));
  const n = Math.max(1, Math.round(o.seconds / o.slice));
  for (let round = 0; round < n; round++) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
    for (const v of order)
      rounds.get(v.name)!.push(await measure(await v.target(), { seconds: o.slice, connections }));
  }
  return Object.fromEntries([...rounds].map(([k, v]) => [k, merge(v)]));
}

/** The columns every bench prints per variant, and their cells for one result. */
export const resultColumns = [
  'variant',
  'requests',
  'errors',
  'req/s',
  'p50 ms',
  'p99 ms',
  'CPU ms/req',
];
export const resultCells = (name: string, x: LoadResult): (string | number)[] => [
  name,
  x.requests,
  x.errors,
  fmt(x.rps),
  fmt(x.p50),
  fmt(x.p99),
  fmt(x.cpuMs, 2),
];

/** `a` over `b`, figure by figure. */
export const ratioOf = (a: LoadResult, b: LoadResult) => ({
  p50: a.p50 / b.p50,
  p99: a.p99 / b.p99,
  rps: a.rps / b.rps,
  cpuMs: a.cpuMs / b.cpuMs,
});

/** `label: p50 ×…, p99 ×…, req/s ×…, CPU/req ×…` of `a` over `b`, or n/a when one is missing. */
export const ratioLine = (label: string, a: LoadResult | undefined, b: LoadResult | undefined) => {
  if (!a || !b) return `${label}: n/a`;
  const x = ratioOf(a, b);
  return `${label}: p50 ×${fmt(x.p50, 2)}, p99 ×${fmt(x.p99, 2)}, req/s ×${fmt(x.rps, 2)}, CPU/req ×${fmt(x.cpuMs, 2)}`;
};

/** A markdown table; every cell is right-padded so the output reads in a terminal too. */
export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const width = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`;
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
