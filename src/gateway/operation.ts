import type { ApolloServerPlugin } from '@apollo/server';
import { badInput } from '../shared/errors/index.ts';
import { refusalError } from './limits/errors.ts';
import type { GatewayContext } from './subgraph-source.ts';

/**
 * Operations the gateway can run. Apollo hands an operationName the document lacks (or a
 * choice among several operations left unmade) to the gateway's executor, and a
 * subscription to its query planner, and both answer 500; the mistake is the client's.
 */
export const operationPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation(rc) {
        const name = rc.request.operationName;
        if (!rc.operation) {
          throw refusalError(
            badInput(
              name
                ? `Unknown operation named "${name}".`
                : 'Must provide operation name if query contains multiple operations.',
            ),
          );
        }
        if (rc.operation.operation === 'subscription') {
          throw refusalError(
            badInput('Subscriptions are not supported: send queries and mutations over HTTP'),
          );
        }
      },
    };
  },
};
