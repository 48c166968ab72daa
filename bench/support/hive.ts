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
 * metrics; Hive's own defaults (its parser cache, its planner) are left as they are, but for
 * the deduplication of in-flight subgraph fetches, off as in ours.
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
    // Off as in our gateway (src/gateway/engine): on by default, it merged concurrent
    // identical subgraph fetches (its key is taken before this plugin signs each request's
    // context), so at 8 connections 560 balance answers cost 71 subgraph calls, and Hive's
    // "whole path" skipped most of the subgraph's work that every other variant pays.
    transportEntries: { '*': { options: { deduplicateInflightRequests: false } } },
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
