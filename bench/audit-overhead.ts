// Audit overhead: the same dashboard query through the gateway with the audit recorder on and
// off, side by side in one run. Usage (docs/BENCHMARKS.md):
//   npm run bench:audit -- [--duration 20] [--slice 1] [--concurrency 16] [--audit-url <url>]
// Both systems run in this process and take turns in short slices, so whatever else the
// machine does (other test runs) weighs on both modes alike.
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Supergraph } from '@apollo/federation-internals';
import {
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLObjectType,
} from 'graphql';
import { loadConfig } from '../src/shared/config/index.ts';
import { startSystem } from '../src/system.ts';

/**
 * Which relations the dashboard follows: consent → accounts → balances (and the consent's own
 * parts), plus payments. Every leaf field without required arguments of each type is selected,
 * so the query keeps up as types gain fields. Transactions stay out until their issue lands.
 */
const dashboardShape: Shape = {
  consent: {
    clientApp: {},
    statusHistory: {},
    accounts: { identification: {}, balances: {} },
  },
  payments: { debtorAccount: {} },
};
interface Shape {
  [field: string]: Shape;
}

/** The dashboard query for the composed graph's API schema. */
export function dashboardQuery(supergraphSdl: string): string {
  const schema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  const select = (type: GraphQLObjectType, shape: Shape): string => {
    const parts: string[] = [];
    for (const field of Object.values(type.getFields())) {
      if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
      const named = getNamedType(field.type);
      if (isLeafType(named)) parts.push(field.name);
      else if (shape[field.name] && isObjectType(named))
        parts.push(`${field.name} { ${select(named, shape[field.name]!)} }`);
    }
    return parts.join(' ');
  };
  const query = schema.getQueryType()!;
  const consent = query.getFields().consent!;
  const payments = query.getFields().payments;
  return `query Dashboard($id: ID!) {
  consent(id: $id) { ${select(getNamedType(consent.type) as GraphQLObjectType, dashboardShape.consent!)} }
  ${payments ? `payments { ${select(getNamedType(payments.type) as GraphQLObjectType, dashboardShape.payments!)} }` : ''}
}`;
}

export interface BenchOptions {
  /** Measured time per mode, in slices taken in turns (order alternating). */
  durationMs: number;
  sliceMs: number;
  /** Requests in flight at once (closed loop). */
  concurrency: number;
  /** Unmeasured time per mode before the first round. */
  warmupMs: number;
  /** Audit store of the "on" system; SQLite in its data dir when absent. */
  auditUrl?: string;
}

export interface ModeResult {
  requests: number;
  errors: number;
  throughput: number;
  p50: number;
  p99: number;
  /** Process CPU time (all threads) per request: the least noisy measure on a busy machine. */
  cpuMsPerRequest: number;
  /** Resolver calls recorded per request (on) — what the recorder had to write. */
  recordsPerRequest?: number;
}

export async function startBenchSystem(audit: boolean, auditUrl?: string) {
  const dir = mkdtempSync(join(tmpdir(), `lg-bench-audit-${audit ? 'on' : 'off'}-`));
  const config = loadConfig({
    DATA_DIR: dir,
    PORT: '0',
    CONSENT_PORT: '0',
    ACCOUNTS_PORT: '0',
    PAYMENTS_PORT: '0',
    SANDBOX_BANK_BASE_PORT: '0',
    LOG_LEVEL: 'silent',
    ACCESS_TOKEN_TTL_SECONDS: '3600',
    RATE_LIMIT_PER_SECOND: '1000000',
    RATE_LIMIT_BURST: '1000000',
    MAX_CONCURRENT_REQUESTS: '100000',
    // Steady state: after warm-up everything is served from the local stores, no bank calls
    // whose simulated latency would drown what is measured here.
    BANK_DATA_FRESHNESS_SECONDS: '86400',
    PAYMENTS_STATUS_FRESHNESS_SECONDS: '86400',
    BANK_UNATTENDED_READS_PER_DAY: '1000',
    SANDBOX_TRANSACTIONS_PER_ACCOUNT: '200',
    AUDIT_ENABLED: String(audit),
    ...(audit && auditUrl ? { AUDIT_DATABASE_URL: auditUrl } : {}),
  });
  const system = await startSystem(config);
  const url = system.gatewayUrl;
  const token = async (client: string, secret: string, form: Record<string, string>) => {
    const res = await fetch(`${url}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client}:${secret}`).toString('base64')}`,
      },
      body: new URLSearchParams(form),
    });
    const body = (await res.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`token: ${res.status} ${JSON.stringify(body)}`);
    return body.access_token;
  };
  const graphql = async (
    bearer: string,
    query: string,
    variables: Record<string, unknown> = {},
  ) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  };
  // The consent flow once: client asks, Alice authorises all her accounts, a consent token.
  const clientToken = await token('demo-pfm', 'demo-pfm-secret', {
    grant_type: 'client_credentials',
  });
  const asked = await graphql(
    clientToken,
    'mutation { requestConsent(input: { permissions: [ReadAccountsDetail, ReadBalances, ReadPayments] }) { id } }',
  );
  const consentId = (asked.data?.requestConsent as { id: string }).id;
  const psu = await token('ledgergraph-consent-ui', 'consent-ui-secret', {
    grant_type: 'password',
    username: 'alice',
    password: 'alice-sandbox',
  });
  const accounts = (await graphql(psu, '{ accounts { id } }')).data?.accounts as { id: string }[];
  await graphql(
    psu,
    'mutation($id: ID!, $a: [ID!]!) { authoriseConsent(id: $id, accountIds: $a) { id } }',
    {
      id: consentId,
      a: accounts.map((a) => a.id),
    },
  );
  const bearer = await token('demo-pfm', 'demo-pfm-secret', {
    grant_type: 'urn:ledgergraph:params:oauth:grant-type:consent',
    consent_id: consentId,
  });
  const dashboard = dashboardQuery(system.supergraphSdl);
  const check = await graphql(bearer, dashboard, { id: consentId });
  if (check.errors?.length)
    throw new Error(`dashboard query failed: ${JSON.stringify(check.errors)}`);
  return {
    system,
    dashboard,
    run: () => graphql(bearer, dashboard, { id: consentId }),
    async stop() {
      await system.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Bench = Awaited<ReturnType<typeof startBenchSystem>>;

/** Closed loop: `concurrency` clients, each sending the next request when one returns. */
export async function load(b: Bench, ms: number, concurrency: number, latencies: number[]) {
  let errors = 0;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const res = await b.run();
        latencies.push(performance.now() - t0);
        if (res.errors?.length) errors += 1;
      }
    }),
  );
  return errors;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Runs both modes, alternating which goes first each round, and returns their numbers. */
export async function runAuditBenchmark(
  o: BenchOptions,
): Promise<{ off: ModeResult; on: ModeResult }> {
  const off = await startBenchSystem(false);
  const on = await startBenchSystem(true, o.auditUrl);
  try {
    const modes = {
      off: { b: off, lat: [] as number[], errors: 0, ms: 0, cpu: 0 },
      on: { b: on, lat: [] as number[], errors: 0, ms: 0, cpu: 0 },
    };
    await load(off, o.warmupMs, o.concurrency, []);
    await load(on, o.warmupMs, o.concurrency, []);
    const recordsBefore = await on.system.audit.db.auditRecord.count();
    const batchesBefore = await on.system.audit.db.auditBatch.count();
    const rounds = Math.max(1, Math.round(o.durationMs / o.sliceMs));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
      for (const name of order) {
        const m = modes[name];
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        m.errors += await load(m.b, o.sliceMs, o.concurrency, m.lat);
        const cpu = process.cpuUsage(cpu0);
        m.cpu += (cpu.user + cpu.system) / 1000;
        m.ms += performance.now() - t0;
      }
    }
    const records = (await on.system.audit.db.auditRecord.count()) - recordsBefore;
    const batches = (await on.system.audit.db.auditBatch.count()) - batchesBefore;
    const summary = (name: 'off' | 'on'): ModeResult => {
      const m = modes[name];
      const sorted = [...m.lat].sort((a, b) => a - b);
      return {
        requests: sorted.length,
        errors: m.errors,
        throughput: sorted.length / (m.ms / 1000),
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        cpuMsPerRequest: m.cpu / sorted.length,
        ...(name === 'on' && batches ? { recordsPerRequest: records / modes.on.lat.length } : {}),
      };
    };
    return { off: summary('off'), on: summary('on') };
  } finally {
    await on.stop();
    await off.stop();
  }
}

export function formatResults(r: { off: ModeResult; on: ModeResult }, o: BenchOptions): string {
  const row = (name: string, m: ModeResult) =>
    `| ${name.padEnd(9)} | ${String(m.requests).padStart(8)} | ${String(m.errors).padStart(6)} | ${m.throughput.toFixed(1).padStart(7)} | ${m.p50.toFixed(1).padStart(7)} | ${m.p99.toFixed(1).padStart(7)} | ${m.cpuMsPerRequest.toFixed(2).padStart(9)} |`;
  const ratio = (a: number, b: number) => (a / b).toFixed(3);
  return [
    `audit overhead: ${o.durationMs / 1000}s per mode in ${o.sliceMs / 1000}s slices, concurrency ${o.concurrency}, audit store ${o.auditUrl ? o.auditUrl.replace(/\/\/.*@/, '//…@') : 'SQLite'}`,
    '| mode      | requests | errors | req/s   | p50 ms  | p99 ms  | CPU ms/req |',
    '|-----------|----------|--------|---------|---------|---------|------------|',
    row('audit off', r.off),
    row('audit on', r.on),
    '',
    `on/off: p50 ×${ratio(r.on.p50, r.off.p50)}, p99 ×${ratio(r.on.p99, r.off.p99)}, ` +
      `throughput ×${ratio(r.on.throughput, r.off.throughput)}, CPU per request ×${ratio(r.on.cpuMsPerRequest, r.off.cpuMsPerRequest)}` +
      (r.on.recordsPerRequest
        ? `; ${r.on.recordsPerRequest.toFixed(0)} audit records per request`
        : ''),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '20' },
      slice: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '16' },
      warmup: { type: 'string', default: '3' },
      'audit-url': { type: 'string' },
    },
  });
  const o: BenchOptions = {
    durationMs: Number(values.duration) * 1000,
    sliceMs: Number(values.slice) * 1000,
    concurrency: Number(values.concurrency),
    warmupMs: Number(values.warmup) * 1000,
    auditUrl: values['audit-url'],
  };
  runAuditBenchmark(o).then(
    (r) => {
      console.log(formatResults(r, o));
      process.exit(0);
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
