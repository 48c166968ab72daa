// Shield and audit on the dashboard (issue 12.4): the dashboard query straight at the
// accounts subgraph, shield on/off × audit on/off, CPU per request over a fixed number of
// requests each. Usage (docs/BENCHMARKS.md "Shield and audit on the dashboard"):
//   npx tsx bench/shield-audit.ts [--requests 40] [--rounds 5] [--warmup 20] [--smoke]
// One request at a time, so each figure is one request's work; the four systems run in this
// process, take turns in rounds (the order rotating) and only the one under load works.
import './support/production-mode.ts';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { main } from './support/args.ts';
import { fmt, table, type Target } from './support/load.ts';
import { dashboard, directTarget } from './support/operations.ts';
import { machineAtStart } from './support/run-info.ts';
import { benchSecret, startBenchSystem } from './support/system.ts';

/** Sends `n` requests one after another; the body of the last, to compare variants. */
async function send(t: Target, n: number): Promise<string> {
  let body = '';
  for (let i = 0; i < n; i++) {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...t.headers() },
      body: t.body(),
    });
    body = await res.text();
    if (!res.ok || body.includes('"errors"'))
      throw new Error(`${t.url}: ${res.status} ${body.slice(0, 300)}`);
  }
  return body;
}

/** Accounts, and transactions per account, of a dashboard answer. */
function shape(body: string): string {
  const accounts = (
    JSON.parse(body) as { data: { accounts: { transactions: { edges: unknown[] } }[] } }
  ).data.accounts;
  return `${accounts.length} accounts, ${accounts.map((a) => a.transactions.edges.length).join('+')} transactions`;
}

main(async () => {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      // One request per variant: proves the bench runs (test/bench/smoke.test.ts).
      smoke: { type: 'boolean', default: false },
    },
  });
  const pick = (v: string | undefined, full: number) => (v ? Number(v) : values.smoke ? 1 : full);
  const n = pick(values.requests, 40);
  const rounds = pick(values.rounds, 5);
  const warmup = pick(values.warmup, 20);
  const at = machineAtStart();
  const variants: { name: string; target: Target; stop: () => Promise<void> }[] = [];
  try {
    for (const [name, env, shield] of [
      ['shield on, audit on', {}, true],
      ['shield off, audit on', {}, false],
      ['shield on, audit off', { AUDIT_ENABLED: 'false' }, true],
      ['shield off, audit off', { AUDIT_ENABLED: 'false' }, false],
    ] as const) {
      const s = await startBenchSystem(env, shield);
      variants.push({ name, target: await directTarget(s, dashboard, benchSecret), stop: s.stop });
    }
    // The same amount of data whatever is on (each system has its own ids): the same work.
    const shapes = new Set<string>();
    for (const v of variants) shapes.add(shape(await send(v.target, Math.max(1, warmup))));
    if (shapes.size !== 1) throw new Error(`the variants answered differently: ${[...shapes]}`);
    const cpu = new Map(variants.map((v) => [v.name, 0]));
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < variants.length; i++) {
        const v = variants[(i + round) % variants.length]!;
        const start = process.cpuUsage();
        await send(v.target, n);
        const used = process.cpuUsage(start);
        cpu.set(v.name, cpu.get(v.name)! + (used.user + used.system) / 1000);
      }
    }
    const perRequest = (name: string) => cpu.get(name)! / (n * rounds);
    const base = perRequest('shield off, audit off');
    console.log(
      `shield-audit: dashboard direct to the accounts subgraph (${[...shapes][0]}), ` +
        `${rounds} rounds × ${n} requests per variant, one at a time, after ${warmup} warm-up; ` +
        `${at.nproc} cores, load average at start ${fmt(at.loadAverageStart[0]!, 2)}, ` +
        `at end ${fmt(loadavg()[0]!, 2)}\n`,
    );
    console.log(
      table(
        ['variant', 'CPU ms/req', 'vs all off'],
        variants.map((v) => [
          v.name,
          fmt(perRequest(v.name), 2),
          `×${fmt(perRequest(v.name) / base, 2)}`,
        ]),
      ),
    );
    const ratio = (a: string, b: string) => `×${fmt(perRequest(a) / perRequest(b), 2)}`;
    console.log(
      `\nshield on / off: ${ratio('shield on, audit on', 'shield off, audit on')} (audit on), ` +
        `${ratio('shield on, audit off', 'shield off, audit off')} (audit off)`,
    );
    console.log(
      `audit on / off: ${ratio('shield on, audit on', 'shield on, audit off')} (shield on), ` +
        `${ratio('shield off, audit on', 'shield off, audit off')} (shield off)`,
    );
  } finally {
    for (const v of variants) await v.stop();
  }
});
