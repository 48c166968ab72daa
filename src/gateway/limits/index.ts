import type { ValidationRule } from 'graphql';
import type { GatewayConfig } from '../../shared/config/index.ts';
import { maxAliasesRule, maxDepthRule, noIntrospectionRule } from './rules.ts';

export type Limits = GatewayConfig['limits'];

/** Document-only limits; the engine runs them with graphql's own validation, once per document. */
export function limitRules(limits: Limits, allowIntrospection: boolean): ValidationRule[] {
  return [
    maxDepthRule(limits.maxDepth),
    maxAliasesRule(limits.maxAliases),
    ...(allowIntrospection ? [] : [noIntrospectionRule]),
  ];
}

export { checkDocument, checkInput, checkVariables } from './input.ts';
export {
  createConcurrencyCap,
  createRateLimiter,
  rateLimitWindow,
  type RateLimiter,
} from './rate-limit.ts';
