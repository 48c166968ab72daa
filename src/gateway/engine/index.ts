import type { ServerResponse } from 'node:http';
import {
  createGatewayRuntime,
  Logger as HiveLogger,
  type GatewayPlugin,
} from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import { narrowLogLevelForLibraries } from '../../shared/config/vendor-telemetry.ts';
import { graphqlMediaType } from '../../shared/http/media-type.ts';
import type { Logger } from '../../shared/log/index.ts';
import type { Limits } from '../limits/index.ts';
import { subgraphsOf } from '../ops.ts';
import { formatResult } from './format.ts';
import { limitsPlugin } from './limits.ts';
import { signedContextPlugin, type GatewayContext } from './subgraph-fetch.ts';

export type { GatewayContext } from './subgraph-fetch.ts';

export interface EngineOptions {
  supergraphSdl: string;
  internalSecret: string;
  limits: Limits;
  allowIntrospection: boolean;
  /** Requests the gateway lets in at once (its concurrency cap). */
  maxInFlight: number;
  log: Logger;
}

/** One operation as the client sent it (POST body or GET parameters). */
export interface OperationRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

/** The server context of one engine request; the engine isolates it, so the result goes in a box. */
interface Exchange extends GatewayContext {
  params: OperationRequest;
  box: { result?: ExecutionResult };
}

const handOver: GatewayPlugin = {
  // The HTTP side (body limits, JSON, input checks) is ours; the engine gets the parameters.
  onRequestParse({ serverContext, setRequestParser }) {
    const params = (serverContext as unknown as Exchange).params;
    setRequestParser(() => params as never);
  },
  // The answer is ours to shape too (codes, masking, status): keep the result, skip its body.
  onResultProcess({ result, serverContext, setResultProcessor }) {
    (serverContext as unknown as Exchange).box.result = result as ExecutionResult;
    setResultProcessor(() => new Response(null), 'application/json');
  },
};

/**
 * The GraphQL engine: Hive's gateway runtime with the Rust query planner, over a supergraph
 * composed once by the caller. It plans and runs operations; the gateway's limits, error
 * codes, masking and signed subgraph contexts are plugins of ours (docs/DECISIONS.md,
 * "Gateway engine").
 */
export function createEngine(o: EngineOptions) {
  narrowLogLevelForLibraries();
  const runtime = createGatewayRuntime<GatewayContext>({
    // Given, not fetched: nothing is polled, no registry, no usage reporting.
    supergraph: o.supergraphSdl,
    unifiedGraphHandler,
    // The HTTP executor merges identical in-flight subgraph queries, keyed before our fetch
    // hook signs the caller into them: two callers' identical queries would share one answer
    // fetched under the first one's identity and grant, and only one audit record.
    transportEntries: { '*': { options: { deduplicateInflightRequests: false } } },
    // Ours writes the gateway's lines; Hive's, handed to what the runtime creates, is mute.
    logging: new HiveLogger({ level: false }),
    maskedErrors: false,
    landingPage: false,
    graphiql: false,
    plugins: () =>
      [
        handOver,
        limitsPlugin(o.limits, o.allowIntrospection),
        signedContextPlugin(subgraphsOf(o.supergraphSdl), o.internalSecret, o.maxInFlight),
      ] as GatewayPlugin[],
  });
  const format = formatResult({ hideSchemaDetails: !o.allowIntrospection, log: o.log });

  /** Runs one operation; the answer with our codes and the status Apollo gave it. */
  async function execute(
    params: OperationRequest,
    context: GatewayContext,
    method: 'GET' | 'POST' = 'POST',
  ) {
    const exchange: Exchange = { ...context, params, box: {} };
    const response = await runtime.fetch('http://gateway.internal/graphql', { method }, exchange);
    const result = exchange.box.result;
    if (!result) throw new Error(`the engine answered ${response.status} without a result`);
    return format(result, context, params.operationName);
  }

  return {
    execute,
    /** Writes the answer of one HTTP operation. */
    async respond(
      res: ServerResponse,
      params: OperationRequest,
      context: GatewayContext,
      http: { method: 'GET' | 'POST'; accept?: string },
    ): Promise<GraphQLFormattedError[]> {
      const answer = await execute(params, context, http.method);
      const text = JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'content-type': graphqlMediaType(http.accept),
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
      return answer.body.errors ?? [];
    },
    async stop() {
      await runtime.dispose();
    },
  };
}
