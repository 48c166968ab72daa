import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { SubgraphContext } from '../auth/context.ts';
import type { Logger } from '../log/index.ts';
import { isMasked } from './format.ts';

/** An error's message and stack for the server log (the logger keeps only the message). */
export function causeOf(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  return { name: error.name, message: error.message, stack: error.stack };
}

/**
 * Logs every error the client will see only as INTERNAL_SERVER_ERROR, with the request id
 * the gateway signed, so an operator can find the cause a client reports by that id.
 */
export function logMaskedErrors<C extends SubgraphContext>(logger: Logger): ApolloServerPlugin<C> {
  // Stateless, so one listener serves every request; no per-field hooks (they would make
  // Apollo wrap every resolver).
  const listener: GraphQLRequestListener<C> = {
    async didEncounterErrors({ errors, contextValue }) {
      for (const error of errors) {
        if (!isMasked(error, error.extensions?.code)) continue;
        logger.error('internal error masked from the client', {
          requestId: contextValue.requestId,
          path: error.path?.join('.'),
          cause: causeOf(unwrapResolverError(error)),
        });
      }
    },
  };
  return { requestDidStart: async () => listener };
}
