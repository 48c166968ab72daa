import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson } from './graphql-handler.ts';

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

/**
 * A minimal router: `"METHOD /path"` → handler, or `"METHOD /prefix/*"` for every path
 * below a prefix (the longest prefix wins; exact paths first). Unknown paths are 404, a
 * failing handler is a 500 without details (the error goes to the log, never to the client).
 */
export function createRouter(
  routes: Record<string, Route>,
  log: (e: unknown) => void = console.error,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routes[`${req.method} ${url.pathname}`] ?? prefixRoute(routes, req, url);
    try {
      if (route) await route(req, res, url);
      else if (Object.keys(routes).some((k) => k.endsWith(` ${url.pathname}`))) {
        sendJson(res, 405, { error: 'method_not_allowed' });
      } else sendJson(res, 404, { error: 'not_found' });
    } catch (e) {
      log(e);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
      else res.destroy();
    }
  };
}

function prefixRoute(
  routes: Record<string, Route>,
  req: IncomingMessage,
  url: URL,
): Route | undefined {
  let best: { length: number; route: Route } | undefined;
  for (const [key, route] of Object.entries(routes)) {
    if (!key.endsWith('/*') || !key.startsWith(`${req.method} `)) continue;
    const prefix = key.slice(key.indexOf(' ') + 1, -1);
    if (url.pathname.startsWith(prefix) && prefix.length > (best?.length ?? -1)) {
      best = { length: prefix.length, route };
    }
  }
  return best?.route;
}

/** How long a stopping server waits for requests in flight before it cuts them. */
const closeGraceMs = 3_000;

export interface Listening {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function listen(
  handler: ReturnType<typeof createRouter>,
  port: number,
  host: string,
): Promise<Listening> {
  // Handlers still running: a client that hangs up does not stop one (a payment being
  // submitted goes on), and a stopping service must not close its stores under it.
  const running = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const handled = handler(req, res);
    running.add(handled);
    void handled.finally(() => running.delete(handled));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: async () => {
      // Stop accepting, let requests in flight finish (a payment being submitted), and
      // cut only what is still open after the grace period.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let grace: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => {
        grace = setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, closeGraceMs);
        grace.unref();
      });
      // The connections may all be gone while a handler whose client hung up still runs.
      await Promise.race([Promise.all([closed, Promise.allSettled(running)]), graceOver]);
      clearTimeout(grace);
      await closed;
    },
  };
}
