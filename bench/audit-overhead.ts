// Audit overhead (issue 5): the dashboard query (me → accounts → balances → first 100
// transactions) through the gateway, audit on vs audit off, side by side in one run, at load.
// Usage (docs/BENCHMARKS.md):
//   npm run bench:audit -- [--seconds 20] [--slice 2] [--warmup 2] [--connections 2] [--smoke]
//                          [--json FILE]
// `--connections` is the dashboard's own (the layers bench gives it a quarter of its 8).
// Every system runs in this process and they take turns in short slices, the order rotating,
// so whatever else the machine does weighs on all of them alike.
import './support/production-mode.ts';
import { main, runOptions } from './support/args.ts';
import { fmt, ratioLine, resultCells, resultColumns, sideBySide, table } from './support/load.ts';
import { dashboard, gatewayTarget } from './support/operations.ts';
import { createDatabases, postgresAvailable } from './support/postgres.ts';
import { ratioFigures, resultsRecorder } from './support/results.ts';
import { startBenchSystem, type BenchSystem } from './support/system.ts';

interface Variant {
  name: string;
  system: BenchSystem;
}

/** What a system's audit store holds after batch `seq` (cheap: one aggregate query). */
interface AuditTally {
  batches: number;
  /** Distinct gateway requests (x-fapi-interaction-id) the batches belong to. */
  requests: number;
  records: number;
  /** Stored bytes of the packed `records` column. */
  bytes: number;
}

async function auditTally(s: BenchSystem, afterSeq: bigint): Promise<AuditTally> {
  const store = s.system.audit;
  // `seq` is our own bigint, so it is inlined: placeholders differ between the providers.
  const rows = await store.db.$queryRawUnsafe<Record<keyof AuditTally, unknown>[]>(
    `SELECT count(*) AS "batches", count(DISTINCT "requestId") AS "requests",
       coalesce(sum("recordCount"), 0) AS "records",
       coalesce(sum(octet_length("records")), 0) AS "bytes"
     FROM "AuditBatch" WHERE "seq" > ${afterSeq.toString()}`,
  );
  const row = rows[0]!;
  const num = (v: unknown) => Number(String(v));
  return {
    batches: num(row.batches),
    requests: num(row.requests),
    records: num(row.records),
    bytes: num(row.bytes),
  };
}

/**
 * The audit chain's head once appends have stopped: requests cut off at the end of a load
 * slice still finish on the server and write their batches (every response waits for its own).
 */
async function settledHead(s: BenchSystem): Promise<bigint> {
  let last = (await s.system.audit.head()).seq;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = (await s.system.audit.head()).seq;
    if (now === last) return now;
    last = now;
  }
}

main(async () => {
  const o = runOptions({ seconds: 20, slice: 2, warmup: 2, connections: 2 }, { json: true });
  const results = resultsRecorder('audit', o);
  const cleanup: (() => Promise<void>)[] = [];
  try {
    const off = await startBenchSystem({ AUDIT_ENABLED: 'false' });
    cleanup.push(off.stop);
    const on = await startBenchSystem();
    cleanup.push(on.stop);
    // A second system with auditing off: "control / off" is the noise floor of this run.
    const control = await startBenchSystem({ AUDIT_ENABLED: 'false' });
    cleanup.push(control.stop);
    const variants: Variant[] = [
      { name: 'audit off', system: off },
      { name: 'audit on', system: on },
      { name: 'audit off (control)', system: control },
    ];
    if (await postgresAvailable()) {
      // Only the audit store moves: consent, accounts and payments stay on SQLite as in the
      // other two systems, so "PostgreSQL store / off" isolates the audit store too.
      const dbs = await createDatabases(['audit']);
      cleanup.push(dbs.drop);
      const pg = await startBenchSystem({ AUDIT_DATABASE_URL: dbs.urls.audit! });
      cleanup.push(pg.stop);
      variants.push({ name: 'audit on, PostgreSQL store', system: pg });
    } else console.warn('PostgreSQL not reachable: the PostgreSQL audit store variant is SKIPPED');

    const connections = Math.max(1, Math.round(o.connections));
    console.log(
      `audit overhead: ${dashboard.name} (me → accounts → balances → first 100 transactions) ` +
        `through the gateway, ${o.seconds}s per variant in ${o.slice}s slices (order rotating), ` +
        `${o.warmup}s warm-up, ${connections} connections; SQLite stores, shield on, ` +
        `audit store SQLite unless named`,
    );
    const before = new Map<string, bigint>();
    const r = await sideBySide(
      variants.map((v) => ({
        name: v.name,
        target: async () => gatewayTarget(v.system, dashboard),
      })),
      { ...o, connections },
      async () => {
        for (const v of variants) before.set(v.name, await settledHead(v.system));
      },
    );
    const audit = new Map<string, AuditTally>();
    for (const v of variants) {
      await settledHead(v.system);
      audit.set(v.name, await auditTally(v.system, before.get(v.name)!));
    }
    // Per request of the store: requests cut off at a slice's end are audited but not counted
    // by the load generator, so the store's own request count is the divisor.
    const per = (t: AuditTally, x: number) => (t.requests ? x / t.requests : 0);

    console.log('');
    console.log(
      table(
        [...resultColumns, 'audit records/req', 'audit bytes/req'],
        variants.map((v) => {
          const t = audit.get(v.name)!;
          return [
            ...resultCells(v.name, r[v.name]!),
            fmt(per(t, t.records), 0),
            fmt(per(t, t.bytes), 0),
          ];
        }),
      ),
    );
    const base = r['audit off']!;
    console.log('');
    for (const [label, a] of [
      ['audit on / off', 'audit on'],
      ['audit on, PostgreSQL store / off', 'audit on, PostgreSQL store'],
      ['control (audit off again) / off', 'audit off (control)'],
    ] as const) {
      console.log(ratioLine(label, r[a], base));
      results.ratios.push(ratioFigures(dashboard.name, label, r[a], base));
    }
    for (const v of variants) {
      const t = audit.get(v.name)!;
      results.variants.push({
        operation: dashboard.name,
        connections,
        variant: v.name,
        ...r[v.name]!,
        auditBatches: t.batches,
        auditRequests: t.requests,
        auditRecordsPerRequest: per(t, t.records),
        auditBytesPerRequest: per(t, t.bytes),
      });
    }
    console.log('');
    for (const v of variants.filter((v) => v.system !== off && v.system !== control)) {
      const x = r[v.name]!;
      const t = audit.get(v.name)!;
      const extra = x.cpuMs - base.cpuMs;
      const perRecord = t.records ? (extra * 1000) / per(t, t.records) : NaN;
      console.log(
        `${v.name}: ${t.batches} batches of ${t.requests} requests in the slices ` +
          `(${x.requests} answered in time), ${fmt(per(t, t.batches), 2)} batches/req, ` +
          `${fmt(t.bytes / Math.max(t.records, 1), 1)} bytes/record; ` +
          `CPU ${extra >= 0 ? '+' : ''}${fmt(extra, 2)} ms/req over off, ${fmt(perRecord, 2)} µs/record`,
      );
    }
    results.write();
  } finally {
    for (const c of cleanup.reverse()) await c().catch((e: unknown) => console.error(e));
  }
});
