import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { AuditRecorder } from '../audit/recorder.ts';
import type { SubgraphContext } from '../auth/context.ts';
import { internalContextHeader, verifyInternalContext } from '../auth/internal-context.ts';
import { formatError } from '../errors/format.ts';
import { causeOf, logMaskedErrors } from '../errors/log-masked.ts';
import { silentLogger, type Logger } from '../log/index.ts';
import { traceServer } from '../tracing/index.ts';
import { handleGraphQL } from './graphql-handler.ts';
import type { Route } from './server.ts';

export interface SubgraphServerOptions<C extends SubgraphContext> {
  /** The audience the gateway signs this subgraph's context for. */
  name: string;
  schema: GraphQLSchema;
  internalSecret: string;
  maxBodyBytes: number;
  /** Adds per-request state (loaders) to the verified identity. */
  extendContext: (base: SubgraphContext) => C;
  /** Records every resolver call; omitted only when auditing is switched off. */
  audit?: AuditRecorder;
  /** Where masked internal errors are logged with their cause; silent by default. */
  logger?: Logger;
  /** The subgraph's own (e.g. warnings added to the answer). */
  plugins?: ApolloServerPlugin<C>[];
}

/**
 * Apollo Server for one subgraph. The caller's identity comes only from the signed internal
 * context; without a valid one the request runs anonymous and shield refuses every field.
 */
export async function createSubgraphServer<C extends SubgraphContext>(o: SubgraphServerOptions<C>) {
  const logger = o.logger ?? silentLogger;
  const server = new ApolloServer<C>({
    schema: o.schema,
    formatError,
    // Both are Apollo's defaults only when NODE_ENV is production: set, they do not depend on
    // how the process was started. Nobody introspects a subgraph (the gateway composes from
    // the subgraphs' SDL and answers introspection itself).
    introspection: false,
    includeStacktraceInErrorResponses: false,
    // Apollo's own SIGINT/SIGTERM handler stops this server and then sends the signal again,
    // which, with our handler spent, killed the process in the middle of its orderly stop
    // (exit 143, the audit's last batch and the stores' closing cut short). The process that
    // runs the services stops them itself (src/commands/start.ts, serve.ts).
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      // Nothing is reported to Apollo's servers, whatever APOLLO_KEY the environment holds.
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      // Nothing reads cache hints (responses are per-user, no CDN), and its per-field hook
      // made Apollo wrap every resolver: half the CPU of a dashboard request (BENCHMARKS).
      ApolloServerPluginCacheControlDisabled(),
      ...(o.audit ? [o.audit.plugin(o.name)] : []),
      logMaskedErrors<C>(logger),
      ...(o.plugins ?? []),
    ],
  });
  await server.start();
  const graphql: Route = (req, res, url) =>
    traceServer(o.name, req, res, '/graphql', async () => handle(req, res, url));
  const handle: Route = (req, res) =>
    handleGraphQL(server, req, res, {
      maxBodyBytes: o.maxBodyBytes,
      context: async () => {
        const header = req.headers[internalContextHeader];
        const verified = await verifyInternalContext(
          typeof header === 'string' ? header : undefined,
          o.name,
          o.internalSecret,
        );
        const requestId = verified?.requestId ?? 'unauthenticated';
        try {
          return o.extendContext({
            requestId,
            principal: verified?.principal,
            grant: verified?.grant,
            psuIpAddress: verified?.psuIpAddress,
            operationName: verified?.operationName,
          });
        } catch (e) {
          // Apollo masks this too, and no request listener sees it.
          logger.error('internal error masked from the client', { requestId, cause: causeOf(e) });
          throw e;
        }
      },
    });
  return {
    server,
    routes: { 'POST /graphql': graphql, 'GET /graphql': graphql } as Record<string, Route>,
  };
}
