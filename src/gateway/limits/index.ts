import type { ApolloServerPlugin } from '@apollo/server';
import type { ValidationRule } from 'graphql';
import type { GatewayConfig } from '../../shared/config/index.ts';
import { operationCost } from './cost.ts';
import { limitError } from './errors.ts';
import { maxAliasesRule, maxDepthRule, noIntrospectionRule } from './rules.ts';

export type Limits = GatewayConfig['limits'];

/** Document-only limits; Apollo runs them with graphql's own validation, before planning. */
export function limitRules(limits: Limits, allowIntrospection: boolean): ValidationRule[] {
  return [
    maxDepthRule(limits.maxDepth),
    maxAliasesRule(limits.maxAliases),
    ...(allowIntrospection ? [] : [noIntrospectionRule]),
  ];
}

/** Cost needs the variables (`first: $n`), so it runs once the operation is resolved. */
export function costPlugin(limits: Limits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          if (!rc.operation) return;
          const cost = operationCost(
            rc.schema,
            rc.document,
            rc.operation,
            rc.request.variables ?? {},
            {
              defaultListSize: limits.defaultListSize,
            },
          );
          if (cost > limits.maxCost) {
            throw limitError(
              'cost',
              `Query cost ${cost} exceeds the maximum of ${limits.maxCost}`,
              {
                cost,
                max: limits.maxCost,
              },
            );
          }
        },
      };
    },
  };
}

export { checkInput } from './input.ts';
export {
  createConcurrencyCap,
  createRateLimiter,
  rateLimitWindow,
  type RateLimiter,
} from './rate-limit.ts';
