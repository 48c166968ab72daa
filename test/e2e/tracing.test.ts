/**
 * W3C trace context from the client through gateway and subgraph to the bank, and the spans
 * exported over OTLP/HTTP to a real receiver when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTracing, tracedServices } from '../../src/shared/tracing/index.ts';
import { expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';

interface ExportedSpan {
  service: string;
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string;
}

// OTLP's SpanKind enumeration.
const SERVER = 2;
const CLIENT = 3;

/** An OTLP/HTTP trace receiver: accepts POST /v1/traces (JSON) and keeps every span. */
async function startReceiver() {
  const spans: ExportedSpan[] = [];
  let exports = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString(
        'utf8',
      );
      exports++;
      spans.push(...parseExport(JSON.parse(text) as OtlpExport));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    exports: () => exports,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: {
      spans?: {
        name: string;
        kind: number;
        traceId: string;
        spanId: string;
        parentSpanId?: string;
      }[];
    }[];
  }[];
}

function parseExport(body: OtlpExport): ExportedSpan[] {
  return (body.resourceSpans ?? []).flatMap((rs) => {
    const service =
      rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        service,
        name: s.name,
        kind: s.kind,
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId ?? '',
      })),
    );
  });
}

/** A client's own trace: a fresh trace id and the id of its (client) span. */
function clientTrace() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

const bankId = 'sandbox-obie';
const query = '{ accounts { id balances { amount } } }';

async function consentToken(t: TestSystem) {
  const consent = await t.authorisedConsent({
    permissions: ['ReadAccountsBasic', 'ReadBalances'],
    accounts: (a) => a.bankId === bankId,
  });
  return consent.token;
}

/** What the sandbox bank received: the traceparent of each call since the last reset. */
async function traceparentsAtBank(t: TestSystem): Promise<string[]> {
  const res = await fetch(`${t.sandboxBank(bankId).url}/__sandbox/calls`);
  return ((await res.json()) as { traceparents: string[] }).traceparents;
}

/** Reads balances from the bank (fresh data, PSU present), inside the client's trace. */
async function readBalances(t: TestSystem, token: string, headers: Record<string, string>) {
  t.sandboxBank(bankId).resetCallCount();
  const res = await t.execute(
    token,
    query,
    {},
    {
      'x-fapi-customer-ip-address': '203.0.113.7',
      ...headers,
    },
  );
  expectNoErrors(res);
  return traceparentsAtBank(t);
}

const systemEnv = { SANDBOX_TRANSACTIONS_PER_ACCOUNT: '5', BANK_DATA_FRESHNESS_SECONDS: '0' };

describe('with OTEL_EXPORTER_OTLP_ENDPOINT unset', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem(systemEnv);
  });
  afterAll(() => t.stop());

  it('creates no tracer provider or exporter, and still passes the traceparent to the bank', async () => {
    expect(t.config.tracing.endpoint).toBeUndefined();
    expect(await setupTracing({ serviceName: 'gateway', endpoint: undefined })).toBeTypeOf(
      'function',
    );
    expect(tracedServices()).toEqual([]);

    const token = await consentToken(t);
    const client = clientTrace();
    const received = await readBalances(t, token, {
      traceparent: client.traceparent,
      tracestate: 'vendor=abc',
    });
    expect(received.length).toBeGreaterThan(0);
    // Nothing recorded a span on the way, so the bank sees the client's own span as parent.
    for (const tp of received) expect(tp).toBe(client.traceparent);
  });
});

describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  let t: TestSystem;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const shutdowns: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestSystem({ ...systemEnv, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    // The entry points set tracing up from the configuration; until every one does, the test
    // sets up those that have not.
    for (const serviceName of ['gateway', 'consent', 'accounts', 'payments']) {
      if (tracedServices().includes(serviceName)) continue;
      shutdowns.push(await setupTracing({ serviceName, endpoint: t.config.tracing.endpoint }));
    }
  });
  afterAll(async () => {
    await Promise.all(shutdowns.map((s) => s()));
    await t?.stop();
    await receiver?.close();
  });

  it('exports linked spans of gateway, subgraph and bank call in the client trace, and the bank receives it', async () => {
    const token = await consentToken(t);
    const client = clientTrace();
    const received = await readBalances(t, token, { traceparent: client.traceparent });
    // Flushes the batches of the providers set up here; the others export on their schedule.
    await Promise.all(shutdowns.splice(0).map((s) => s()));
    const has = (service: string, kind: number) =>
      receiver.spans.some(
        (s) => s.traceId === client.traceId && s.service === service && s.kind === kind,
      );
    await expect
      .poll(() => has('gateway', SERVER) && has('accounts', SERVER) && has('accounts', CLIENT), {
        timeout: 20_000,
      })
      .toBe(true);

    const spans = receiver.spans.filter((s) => s.traceId === client.traceId);
    const one = (found: ExportedSpan[], what: string) => {
      expect(found.length, `${what} in ${JSON.stringify(spans, null, 1)}`).toBe(1);
      return found[0]!;
    };

    const gateway = one(
      spans.filter((s) => s.service === 'gateway' && s.kind === SERVER),
      'the gateway request span',
    );
    expect(gateway.name).toBe('POST /graphql');
    expect(gateway.parentSpanId).toBe(client.spanId);

    const fetches = spans.filter((s) => s.service === 'gateway' && s.kind === CLIENT);
    expect(fetches.length).toBeGreaterThan(0);
    for (const f of fetches) expect(f.parentSpanId).toBe(gateway.spanId);

    const subgraph = one(
      spans.filter((s) => s.service === 'accounts' && s.kind === SERVER),
      'the accounts subgraph span',
    );
    expect(fetches.map((f) => f.spanId)).toContain(subgraph.parentSpanId);
    expect(fetches.find((f) => f.spanId === subgraph.parentSpanId)?.name).toBe('POST accounts');

    const bankCalls = spans.filter((s) => s.service === 'accounts' && s.kind === CLIENT);
    expect(bankCalls.length).toBeGreaterThan(0);
    for (const b of bankCalls) expect(b.parentSpanId).toBe(subgraph.spanId);

    // The bank got the trace id, with the bank call span as parent.
    expect(received.length).toBeGreaterThan(0);
    for (const tp of received) {
      const [, traceId, parentId] = tp.split('-');
      expect(traceId).toBe(client.traceId);
      expect(bankCalls.map((b) => b.spanId)).toContain(parentId);
    }
  });
});
