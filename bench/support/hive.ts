import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import {
  internalContextHeader,
  signInternalContext,
  type InternalContext,
} from '../../src/shared/auth/internal-context.ts';
import type { BenchSystem } from './system.ts';

/**
 * @graphql-hive/gateway over the same supergraph and the same subgraph processes as our
 * gateway. Our subgraphs answer only a signed internal context, so a plugin does per request
 * what our gateway does: our own authenticator (token verification and the consent grant
 * lookup, the same code and the same HTTP call), then one signature per subgraph. What it does
 * not do: our depth/alias/cost/token limits, rate and concurrency caps, request log and
 * metrics; Hive's own defaults (its parser cache, its planner) are left as they are.
 */
export async function startHiveGateway(s: BenchSystem, secret: string) {
  const subgraphOf = new Map(
    Object.entries(s.system.subgraphUrls).map(([name, url]) => [`${url}/graphql`, name]),
  );
  const contexts = new WeakMap<object, Promise<InternalContext>>();
  const signed = new WeakMap<object, Map<string, Promise<string>>>();
  const forwardContext: GatewayPlugin = {
    onFetch({ url, options, setOptions, context }) {
      const subgraph = subgraphOf.get(url);
      if (!subgraph || !('request' in context)) return;
      const request = context.request;
      return (async () => {
        let internal = contexts.get(context);
        if (!internal) {
          internal = s.authenticate(request.headers.get('authorization') ?? undefined, 'hive');
          contexts.set(context, internal);
        }
        let perSubgraph = signed.get(context);
        if (!perSubgraph) signed.set(context, (perSubgraph = new Map()));
        let token = perSubgraph.get(subgraph);
        if (!token) {
          token = internal.then((i) => signInternalContext(i, subgraph, secret));
          perSubgraph.set(subgraph, token);
        }
        const headers = new Headers(options.headers as HeadersInit | undefined);
        headers.set(internalContextHeader, await token);
        setOptions({ ...options, headers: Object.fromEntries(headers) });
      })();
    },
  };
  const runtime = createGatewayRuntime({
    supergraph: s.system.supergraphSdl,
    logging: false,
    plugins: () => [forwardContext],
  });
  const server = createServer(runtime);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await runtime.dispose();
    },
  };
}
