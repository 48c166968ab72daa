import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { isMasked } from '../shared/errors/format.ts';
import { causeOf } from '../shared/errors/log-masked.ts';
import type { Logger } from '../shared/log/index.ts';
import type { GatewayContext } from './subgraph-source.ts';

/**
 * The gateway's side of shared/errors/log-masked.ts: every error the client sees only as
 * INTERNAL_SERVER_ERROR is logged with the request id and its cause. A subgraph's own
 * INTERNAL_SERVER_ERROR is left out: that subgraph logged its cause under the same id.
 */
export function logMaskedErrors(log: Logger): ApolloServerPlugin<GatewayContext> {
  const listener: GraphQLRequestListener<GatewayContext> = {
    async didEncounterErrors({ errors, contextValue }) {
      for (const error of errors) {
        const code = error.extensions?.code;
        if (!isMasked(error, code)) continue;
        if (error.extensions?.serviceName && code === 'INTERNAL_SERVER_ERROR') continue;
        log.error('internal error masked from the client', {
          requestId: contextValue.request?.id ?? contextValue.internal?.requestId,
          path: error.path?.join('.'),
          subgraph: error.extensions?.serviceName,
          cause: causeOf(unwrapResolverError(error)),
        });
      }
    },
  };
  return { requestDidStart: async () => listener };
}
