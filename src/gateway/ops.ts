import { parse, type EnumTypeDefinitionNode } from 'graphql';
import { sendJson } from '../shared/http/graphql-handler.ts';
import type { Route } from '../shared/http/server.ts';
import { prometheusContentType, registry } from '../shared/metrics/index.ts';

/** Resolves when the dependency answers; rejects with a short reason otherwise. */
export type ReadinessCheck = () => Promise<void>;

const checkTimeoutMs = 2_000;

/** Subgraph names and URLs as the supergraph's join__Graph enum lists them. */
export function subgraphsOf(supergraphSdl: string): { name: string; url: string }[] {
  const graphs = parse(supergraphSdl).definitions.find(
    (d): d is EnumTypeDefinitionNode =>
      d.kind === 'EnumTypeDefinition' && d.name.value === 'join__Graph',
  );
  return (graphs?.values ?? []).flatMap((v) => {
    const args = v.directives?.find((d) => d.name.value === 'join__graph')?.arguments ?? [];
    const arg = (n: string) => {
      const value = args.find((a) => a.name.value === n)?.value;
      return value?.kind === 'StringValue' ? value.value : undefined;
    };
    const name = arg('name');
    const url = arg('url');
    return name && url ? [{ name, url }] : [];
  });
}

/** A subgraph is up when it answers `{ __typename }` (no identity, no resolver, no data). */
export function subgraphCheck(url: string): ReadinessCheck {
  return async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
      signal: AbortSignal.timeout(checkTimeoutMs),
    });
    const body = (await res.json().catch(() => undefined)) as
      { data?: { __typename?: string } } | undefined;
    if (!res.ok || !body?.data?.__typename) throw new Error(`answered HTTP ${res.status}`);
  };
}

async function run(check: ReadinessCheck): Promise<{ ok: boolean; ms: number; error?: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${checkTimeoutMs} ms`)),
          checkTimeoutMs,
        );
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (e) {
    // A short reason only: connection strings and stack traces stay out of the answer.
    const reason =
      e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : 'failed';
    return { ok: false, ms: Math.round(performance.now() - started), error: reason.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}

export function opsRoutes(checks: Record<string, ReadinessCheck>): Record<string, Route> {
  return {
    // Liveness: the process answers. Never depends on anything else, or a slow database
    // would get healthy gateways restarted.
    'GET /health': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    'GET /ready': async (_req, res) => {
      const names = Object.keys(checks);
      const results = await Promise.all(names.map((n) => run(checks[n]!)));
      const detail = Object.fromEntries(names.map((n, i) => [n, results[i]]));
      const ready = results.every((r) => r.ok);
      sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks: detail });
    },
    'GET /metrics': (_req, res) => {
      const text = registry.render();
      res.writeHead(200, {
        'content-type': prometheusContentType,
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    },
  };
}
