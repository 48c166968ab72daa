import { Agent, createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Target } from './load.ts';

/** Headers about one connection, never forwarded (RFC 9110 §7.6.1), and the host. */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
]);
const endToEnd = (h: IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(h).filter(([k]) => !hopByHop.has(k)));

/**
 * The least one extra HTTP hop costs in Node here: a node:http server that streams each
 * request, headers as sent (the signed internal context), to a subgraph over keep-alive
 * connections and streams the answer back. No GraphQL, no token, no limits, no logging.
 * `/<name>/graphql` goes to `upstreams[name]/graphql`.
 */
export async function startBareProxy(upstreams: Record<string, string>) {
  const agent = new Agent({ keepAlive: true });
  const origins = new Map(
    Object.entries(upstreams).map(([name, url]) => {
      const u = new URL(url);
      return [name, { host: u.hostname, port: u.port, base: u.pathname.replace(/\/$/, '') }];
    }),
  );
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    const slash = path.indexOf('/', 1);
    const upstream = slash > 0 ? origins.get(path.slice(1, slash)) : undefined;
    if (!upstream) {
      req.resume();
      res.writeHead(404).end();
      return;
    }
    const out = request(
      {
        host: upstream.host,
        port: upstream.port,
        path: upstream.base + path.slice(slash),
        method: req.method,
        headers: endToEnd(req.headers),
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
      },
    );
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    // A client gone before the answer: the upstream request goes too.
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    /** `direct` (a subgraph-direct target at `upstream`), through the proxy. */
    target: (upstream: string, direct: Target): Target => ({
      url: `${url}/${upstream}/graphql`,
      headers: direct.headers,
      body: direct.body,
    }),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      agent.destroy();
    },
  };
}
export type BareProxy = Awaited<ReturnType<typeof startBareProxy>>;
