// The cost of every layer, side by side in one run: for each standard operation, our gateway
// against the subgraph called directly, shield off, audit off, PostgreSQL, and Hive Gateway.
// Usage (docs/BENCHMARKS.md): npm run bench -- [--seconds 6] [--slice 2] [--connections 8] [--smoke]
import { main, runOptions } from './support/args.ts';
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
import { directTarget, gatewayTarget, operations, type Operation } from './support/operations.ts';
import { createDatabases, postgresAvailable } from './support/postgres.ts';
import { benchSecret, startBenchSystem, type BenchSystem } from './support/system.ts';

interface Variant {
  name: string;
  target: (op: Operation) => Promise<Target>;
}

main(async () => {
  const o = runOptions({ seconds: 6, slice: 2, warmup: 1, connections: 8 });
  const cleanup: (() => Promise<void>)[] = [];
  try {
    const base = await startBenchSystem();
    cleanup.push(base.stop);
    const noShield = await startBenchSystem({}, false);
    cleanup.push(noShield.stop);
    const noAudit = await startBenchSystem({ AUDIT_ENABLED: 'false' });
    cleanup.push(noAudit.stop);
    let pgSystem: BenchSystem | undefined;
    if (await postgresAvailable()) {
      const dbs = await createDatabases(['consent', 'accounts', 'payments', 'audit']);
      cleanup.push(dbs.drop);
      pgSystem = await startBenchSystem({
        CONSENT_DATABASE_URL: dbs.urls.consent!,
        ACCOUNTS_DATABASE_URL: dbs.urls.accounts!,
        PAYMENTS_DATABASE_URL: dbs.urls.payments!,
        AUDIT_DATABASE_URL: dbs.urls.audit!,
      });
      cleanup.push(pgSystem.stop);
    } else console.warn('PostgreSQL not reachable: the PostgreSQL variant is SKIPPED');
    const hive = await startHiveGateway(base, benchSecret);
    cleanup.push(hive.stop);

    const gw = (s: BenchSystem) => async (op: Operation) => gatewayTarget(s, op);
    const variants: Variant[] = [
      { name: 'gateway', target: gw(base) },
      { name: 'subgraph direct', target: (op) => directTarget(base, op, benchSecret) },
      { name: 'shield off', target: gw(noShield) },
      { name: 'audit off', target: gw(noAudit) },
      ...(pgSystem ? [{ name: 'PostgreSQL', target: gw(pgSystem) }] : []),
      { name: 'Hive gateway', target: async (op: Operation) => gatewayTarget(base, op, hive.url) },
    ];
    console.log(
      `layers: ${o.seconds}s per variant in ${o.slice}s slices (order rotating), ${o.warmup}s warm-up, ` +
        `${o.connections} connections; gateway = ours, SQLite, shield on, audit on`,
    );
    for (const op of operations) {
      const connections = Math.max(1, Math.round(o.connections * op.concurrency));
      const r = await sideBySide(
        variants.map((v) => ({ name: v.name, target: () => v.target(op) })),
        { ...o, connections },
      );
      const g = r.gateway!;
      console.log(`\n### ${op.name} (${connections} connections)\n`);
      console.log(
        table(
          [...resultColumns, 'req/s vs gateway'],
          variants.map((v) => [
            ...resultCells(v.name, r[v.name]!),
            `×${fmt(r[v.name]!.rps / g.rps, 2)}`,
          ]),
        ),
      );
      console.log('');
      console.log(ratioLine('gateway / subgraph direct', g, r['subgraph direct']));
      console.log(ratioLine('shield on / off', g, r['shield off']));
      console.log(ratioLine('audit on / off', g, r['audit off']));
      console.log(ratioLine('PostgreSQL / SQLite', r.PostgreSQL, g));
      console.log(ratioLine('our gateway / Hive gateway', g, r['Hive gateway']));
    }
  } finally {
    for (const c of cleanup.reverse()) await c().catch((e: unknown) => console.error(e));
  }
});
