import { setMaxListeners } from 'node:events';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import {
  internalContextHeader,
  signInternalContext,
  type InternalContext,
} from '../../shared/auth/internal-context.ts';
import { parseWarnings, warningsHeader, type Warning } from '../../shared/errors/warnings.ts';
import { traceClient, traceHeaders } from '../../shared/tracing/index.ts';
import type { RequestInfo } from '../request.ts';
import { unansweredResponse } from './unanswered.ts';

export interface GatewayContext {
  internal: InternalContext;
  /** The HTTP request's log and metrics record; absent for in-process operations. */
  request?: RequestInfo;
}

const warnings = new WeakMap<InternalContext, Warning[][]>();

/** What the subgraphs warned about while answering this request (their warnings header). */
export function subgraphWarnings(internal: InternalContext | undefined): Warning[][] {
  return (internal && warnings.get(internal)) ?? [];
}

/**
 * Hive's HTTP executor gives every fetch to a subgraph the same signal, its own for its
 * lifetime, and each response stream listens on it until read: one listener per fetch in
 * flight, so Node's leak warning (at 11) fired under ordinary load. Its limit is raised to
 * what the concurrency cap allows, a few fetches per request to one subgraph (a plan's
 * parallel entity batches), so the warning still means a leak.
 */
const fetchesPerRequest = 4;

interface Subgraph {
  name: string;
  spanAttributes: Record<string, string>;
}

/**
 * Every subgraph fetch the plan makes: the caller's identity signed for that subgraph alone
 * (once per request and subgraph, however many fetches), the interaction id, and a client
 * span whose traceparent goes with it. A fetch that gets no HTTP response at all is answered
 * as UPSTREAM_UNAVAILABLE at the fields it was to fill (unanswered.ts).
 */
export function signedContextPlugin(
  subgraphs: { name: string; url: string }[],
  secret: string,
  maxInFlight: number,
): GatewayPlugin<GatewayContext> {
  const listenerLimit = maxInFlight * fetchesPerRequest;
  const raised = new WeakSet<AbortSignal>();
  const byUrl = new Map<string, Subgraph>(
    subgraphs.map((s) => [
      s.url,
      {
        name: s.name,
        spanAttributes: {
          'http.request.method': 'POST',
          'url.full': s.url,
          'ledgergraph.subgraph': s.name,
        },
      },
    ]),
  );
  const signed = new WeakMap<InternalContext, Map<string, Promise<string>>>();
  const tokenFor = (internal: InternalContext, subgraph: string) => {
    let perSubgraph = signed.get(internal);
    if (!perSubgraph) signed.set(internal, (perSubgraph = new Map()));
    let token = perSubgraph.get(subgraph);
    if (!token) {
      token = signInternalContext(internal, subgraph, secret);
      perSubgraph.set(subgraph, token);
    }
    return token;
  };
  return {
    onFetch({ url, context, fetchFn, setFetchFn }) {
      const subgraph = byUrl.get(url);
      if (!subgraph) return;
      const internal = 'internal' in context ? (context.internal as InternalContext) : undefined;
      setFetchFn((input, init, ...rest) => {
        const signal = init?.signal;
        if (signal && !raised.has(signal)) {
          setMaxListeners(listenerLimit, signal);
          raised.add(signal);
        }
        return traceClient(`POST ${subgraph.name}`, subgraph.spanAttributes, async () => {
          const headers: Record<string, string> = {
            ...(init?.headers as Record<string, string> | undefined),
            ...traceHeaders(),
          };
          if (internal) {
            headers[internalContextHeader] = await tokenFor(internal, subgraph.name);
            headers['x-fapi-interaction-id'] = internal.requestId;
          }
          try {
            const response = await fetchFn(input, { ...init, headers }, ...rest);
            const warned = parseWarnings(response.headers.get(warningsHeader));
            if (internal && warned.length > 0) {
              warnings.set(internal, [...subgraphWarnings(internal), warned]);
            }
            return response;
          } catch {
            return unansweredResponse(subgraph.name, init?.body);
          }
        });
      });
    },
  };
}
