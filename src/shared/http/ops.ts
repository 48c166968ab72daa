import { sendJson } from './graphql-handler.ts';
import type { Route } from './server.ts';
import { prometheusContentType, registry } from '../metrics/index.ts';

/** Resolves when the dependency answers; rejects with a short reason otherwise. */
export type ReadinessCheck = () => Promise<void>;

export const checkTimeoutMs = 2_000;

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
    'GET /metrics': async (_req, res) => {
      const text = await registry.render();
      res.writeHead(200, {
        'content-type': prometheusContentType,
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    },
  };
}
