// The cost of every layer, side by side in one run: for each standard operation, our gateway
// against the subgraph called directly, the gateway with its Redis-kept grant cache, a bare
// proxy in front of the subgraph (bench/support/bare-proxy.ts), shield off, audit off,
// PostgreSQL, Hive Gateway, and (dashboard only) the floor: bare graphql-js over the same
// store (bench/support/floor.ts).
// Usage (docs/BENCHMARKS.md):
//   npm run bench -- [--seconds 6] [--slice 2] [--connections 8] [--smoke] [--json FILE]
import './support/production-mode.ts';
import { main, runOptions } from './support/args.ts';
import { startBareProxy } from './support/bare-proxy.ts';
import { floorDashboard, startFloor, type Floor } from './support/floor.ts';
import { startHiveGateway } from './support/hive.ts';
import {
  fmt,
  ratioLine,
  resultCells,
  resultColumns,
  sideBySide,
  table,
  type Target,
} from './support/load.ts';
import {
  dashboard,
  directTarget,
  gatewayTarget,
  operations,
  type Operation,
} from './support/operations.ts';
import { createDatabases, postgresAvailable } from './support/postgres.ts';
import {
  checkGrantCacheHits,
  countsSince,
  dropRedisKeys,
  grantCacheCounts,
  redisBenchEnv,
} from './support/redis.ts';
import { ratioFigures, resultsRecorder } from './support/results.ts';
import { benchSecret, startBenchSystem, type BenchSystem } from './support/system.ts';

interface Variant {
  name: string;
  target: (op: Operation) => Promise<Target>;
  /** The operations it answers, when not all of them. */
  only?: Operation[];
}

interface DashboardShape {
  accounts: { id: string; transactions: { edges: unknown[] } }[];
}

/** Account ids and transactions per account of a dashboard answer. */
const shapeOf = (accounts: DashboardShape['accounts']) =>
  accounts.map((a) => ({ id: a.id, transactions: a.transactions.edges.length }));

/**
 * The floor must answer the dashboard the gateway answers, or its figures mean nothing: the
 * same accounts, balances and transactions, field for field. The accounts' ids and
 * transaction counts go in the results; any difference stops the bench here.
 */
async function checkFloor(s: BenchSystem, floor: Floor) {
  const post = async (url: string, query: string, headers: Record<string, string> = {}) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as { data: Record<string, unknown> };
  };
  const g = await post(`${s.gatewayUrl}/graphql`, dashboard.gateway(s).query, {
    authorization: `Bearer ${s.bearer}`,
  });
  const f = await post(floor.url, floorDashboard);
  const byId = (d: DashboardShape) => [...d.accounts].sort((a, b) => a.id.localeCompare(b.id));
  const gateway = byId(g.data.me as DashboardShape);
  const bare = byId(f.data as unknown as DashboardShape);
  const check = { gateway: shapeOf(gateway), floor: shapeOf(bare) };
  if (JSON.stringify(gateway) !== JSON.stringify(bare))
    throw new Error(`floor and gateway disagree: ${JSON.stringify(check)}`);
  return check;
}

main(async () => {
  const o = runOptions({ seconds: 6, slice: 2, warmup: 1, connections: 8 }, { json: true });
  const results = resultsRecorder('layers', o);
  const cleanup: (() => Promise<void>)[] = [];
  try {
    // Before anything starts: without Redis the bench fails at once.
    const redisEnv = await redisBenchEnv();
    const startRedis = async () => {
      const system = await startBenchSystem(redisEnv);
      return {
        ...system,
        stop: () => system.stop().finally(() => dropRedisKeys(redisEnv.REDIS_KEY_PREFIX)),
      };
    };
    // Started side by side: most of a start is waiting on migrations, banks and the seed.
    const startPostgres = async () => {
      if (!(await postgresAvailable())) {
        console.warn('PostgreSQL not reachable: the PostgreSQL variant is SKIPPED');
        return undefined;
      }
      const dbs = await createDatabases(['consent', 'accounts', 'payments', 'audit']);
      const system = await startBenchSystem({
        CONSENT_DATABASE_URL: dbs.urls.consent!,
        ACCOUNTS_DATABASE_URL: dbs.urls.accounts!,
        PAYMENTS_DATABASE_URL: dbs.urls.payments!,
        AUDIT_DATABASE_URL: dbs.urls.audit!,
      }).catch(async (e: unknown) => {
        await dbs.drop();
        throw e;
      });
      return { ...system, stop: () => system.stop().finally(dbs.drop) };
    };
    const started = await Promise.allSettled([
      startBenchSystem(),
      startBenchSystem({}, false),
      startBenchSystem({ AUDIT_ENABLED: 'false' }),
      startPostgres(),
      startRedis(),
    ] as const);
    for (const s of started) if (s.status === 'fulfilled' && s.value) cleanup.push(s.value.stop);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [base, noShield, noAudit, pgSystem, redisSystem] = started.map(
      (s) => (s as PromiseFulfilledResult<BenchSystem | undefined>).value,
    ) as [BenchSystem, BenchSystem, BenchSystem, BenchSystem | undefined, BenchSystem];
    const hive = await startHiveGateway(base, benchSecret);
    cleanup.push(hive.stop);
    const floor = await startFloor(base);
    cleanup.push(floor.stop);
    const floorCheck = await checkFloor(base, floor);
    const proxy = await startBareProxy(base.system.subgraphUrls);
    cleanup.push(proxy.stop);
    const cacheAtStart = await checkGrantCacheHits(redisSystem);

    const gw = (s: BenchSystem) => async (op: Operation) => gatewayTarget(s, op);
    const variants: Variant[] = [
      { name: 'gateway', target: gw(base) },
      { name: 'gateway, Redis', target: gw(redisSystem) },
      { name: 'subgraph direct', target: (op) => directTarget(base, op, benchSecret) },
      {
        name: 'bare proxy',
        target: async (op) => proxy.target(op.subgraph, await directTarget(base, op, benchSecret)),
      },
      { name: 'shield off', target: gw(noShield) },
      { name: 'audit off', target: gw(noAudit) },
      ...(pgSystem ? [{ name: 'PostgreSQL', target: gw(pgSystem) }] : []),
      { name: 'Hive gateway', target: async (op: Operation) => gatewayTarget(base, op, hive.url) },
      { name: 'floor', target: async () => floor.target(), only: [dashboard] },
    ];
    console.log(
      `layers: ${o.seconds}s per variant in ${o.slice}s slices (order rotating), ` +
        `${o.smoke ? 0 : o.warmup}s warm-up, ` +
        `${o.connections} connections; gateway = ours, SQLite, shield on, audit on; ` +
        `gateway, Redis = the same with REDIS_URL (grant cache live and hit); bare proxy = ` +
        `node:http in front of the subgraph direct target; floor = ` +
        `bare graphql-js, ${floorCheck.floor.length} accounts and ` +
        `${floorCheck.floor.reduce((n, a) => n + a.transactions, 0)} transactions as the gateway's`,
    );
    for (const op of operations) {
      const connections = Math.max(1, Math.round(o.connections * op.concurrency));
      const here = variants.filter((v) => !v.only || v.only.includes(op));
      // A smoke run skips the warm-up: the prime request already proves each variant answers.
      const r = await sideBySide(
        here.map((v) => ({ name: v.name, target: () => v.target(op) })),
        { ...o, warmup: o.smoke ? 0 : o.warmup, connections },
      );
      const g = r.gateway!;
      console.log(`\n### ${op.name} (${connections} connections)\n`);
      console.log(
        table(
          [...resultColumns, 'req/s vs gateway'],
          here.map((v) => [
            ...resultCells(v.name, r[v.name]!),
            `×${fmt(r[v.name]!.rps / g.rps, 2)}`,
          ]),
        ),
      );
      console.log('');
      const lines: [string, string, string][] = [
        ['gateway / subgraph direct', 'gateway', 'subgraph direct'],
        ['gateway, Redis / subgraph direct', 'gateway, Redis', 'subgraph direct'],
        ['bare proxy / subgraph direct', 'bare proxy', 'subgraph direct'],
        ['shield on / off', 'gateway', 'shield off'],
        ['audit on / off', 'gateway', 'audit off'],
        ['PostgreSQL / SQLite', 'PostgreSQL', 'gateway'],
        ['our gateway / Hive gateway', 'gateway', 'Hive gateway'],
        ...(r.floor
          ? ([['gateway / floor', 'gateway', 'floor']] as [string, string, string][])
          : []),
      ];
      for (const [label, a, b] of lines) {
        console.log(ratioLine(label, r[a], r[b]));
        results.ratios.push(ratioFigures(op.name, label, r[a], r[b]));
      }
      for (const v of here)
        results.variants.push({ operation: op.name, connections, variant: v.name, ...r[v.name]! });
    }
    // Every lookup of the run (warm-up and prime included) by the Redis system's cache: a
    // bypass means the signals dropped for a while and some requests were not served from it.
    const grantCache = countsSince(await grantCacheCounts(redisSystem.gatewayUrl), cacheAtStart);
    console.log(
      `\ngateway, Redis: grant lookups during the run: ${grantCache.hit} hits, ` +
        `${grantCache.miss} misses, ${grantCache.bypass} bypassed`,
    );
    if (grantCache.bypass > 0)
      throw new Error('the Redis grant cache was bypassed during the run: its figures mix both');
    results.write({ floorCheck, grantCache });
  } finally {
    for (const c of cleanup.reverse()) await c().catch((e: unknown) => console.error(e));
  }
});
