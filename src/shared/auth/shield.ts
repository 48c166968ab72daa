import { GraphQLError, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { rule, shield, and, type IRules } from 'graphql-shield';
import { forbidden, unauthenticated } from '../errors/index.ts';
import type { SubgraphContext } from './context.ts';
import type { PrincipalKind } from './principal.ts';

/**
 * Field-level authorization. Rules read only the context, so they use the `contextual`
 * cache (one evaluation per request). A denied field resolves to null with a FORBIDDEN
 * error at its path; scope-gated fields must therefore be nullable.
 */
type ShieldRule = ReturnType<typeof and> | ReturnType<ReturnType<typeof rule>>;

const unauthenticatedError = (): GraphQLError => unauthenticated().toGraphQLError();

export const isAuthenticated = rule('isAuthenticated', { cache: 'contextual' })(
  (_parent, _args, ctx: SubgraphContext) => (ctx.principal ? true : unauthenticatedError()),
);

/** graphql-shield insists that two rules with one name are one object. */
const named = new Map<string, ShieldRule>();
function once(name: string, make: () => ShieldRule): ShieldRule {
  let r = named.get(name);
  if (!r) named.set(name, (r = make()));
  authenticating.add(r);
  return r;
}

/**
 * Rules that refuse an anonymous caller. Every rule a rule map may use is one of them, which
 * is what lets `protect` leave nested fields without a rule of their own unwrapped.
 */
const authenticating = new WeakSet<object>();

/** Allows the field when the caller's token carries `scope`. */
export const requireScope = (scope: string): ShieldRule =>
  once(`scope:${scope}`, () =>
    rule(`scope:${scope}`, { cache: 'contextual' })((_p, _a, ctx: SubgraphContext) => {
      if (!ctx.principal) return unauthenticatedError();
      return ctx.principal.scopes.includes(scope)
        ? true
        : forbidden(`This field requires the ${scope} permission`).toGraphQLError();
    }),
  );

/** Allows the field when the caller holds any of `scopes`. */
export const requireAnyScope = (...scopes: string[]): ShieldRule =>
  once(`anyScope:${scopes.join('|')}`, () =>
    rule(`anyScope:${scopes.join('|')}`, { cache: 'contextual' })(
      (_p, _a, ctx: SubgraphContext) => {
        if (!ctx.principal) return unauthenticatedError();
        return scopes.some((s) => ctx.principal!.scopes.includes(s))
          ? true
          : forbidden(`This field requires one of: ${scopes.join(', ')}`).toGraphQLError();
      },
    ),
  );

/** Allows the field for these kinds of caller only (e.g. only a PSU authorises a consent). */
export const requireKind = (...kinds: PrincipalKind[]): ShieldRule =>
  once(`kind:${kinds.join('|')}`, () =>
    rule(`kind:${kinds.join('|')}`, { cache: 'contextual' })((_p, _a, ctx: SubgraphContext) => {
      if (!ctx.principal) return unauthenticatedError();
      return kinds.includes(ctx.principal.kind)
        ? true
        : forbidden(`Only a ${kinds.join(' or ')} token may do this`).toGraphQLError();
    }),
  );

export const allOf = (...rules: ShieldRule[]): ShieldRule => {
  const r = and(...rules);
  if (rules.some((x) => authenticating.has(x))) authenticating.add(r);
  return r;
};
authenticating.add(isAuthenticated);

type FieldRules = Record<string, unknown>;

/**
 * Wraps a subgraph schema with its rule map. Default-deny for anonymous callers: any field
 * without its own rule still needs an authenticated caller. `allowExternalErrors` lets our
 * typed resolver errors through; Apollo's formatError masks everything else.
 *
 * Only root fields and fields with a rule of their own keep shield's wrapper. A nested field
 * without a rule would get the fallback rule, "authenticated", which depends on the request
 * alone: it was already decided, for the same request, at the root field above it (every
 * rule refuses an anonymous caller; the map is checked for that here). Shield's wrapper made
 * each of those thousands of calls asynchronous and was most of a large query's cost
 * (docs/BENCHMARKS.md "Subgraph hot path"); the decision is the same without it.
 */
export function protect(schema: GraphQLSchema, rules: IRules): GraphQLSchema {
  const ruleMap = rules as Record<string, FieldRules | ShieldRule>;
  for (const [type, fields] of Object.entries(ruleMap)) {
    for (const [field, r] of Object.entries(isRule(fields) ? { '*': fields } : fields)) {
      if (!authenticating.has(r as object)) {
        throw new Error(
          `Rule for ${type}.${field} must refuse anonymous callers (use shield.ts's rules)`,
        );
      }
    }
  }
  const original = new Map<string, GraphQLFieldResolver<unknown, unknown> | undefined>();
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].map(
      (t) => t?.name,
    ),
  );
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || roots.has(type.name)) continue;
    const own = ruleMap[type.name];
    if (own !== undefined && (isRule(own) || '*' in own)) continue;
    for (const field of Object.values(type.getFields())) {
      if (own === undefined || !(field.name in own))
        original.set(`${type.name}.${field.name}`, field.resolve);
    }
  }
  const shielded = applyMiddleware(
    schema,
    shield(rules, {
      fallbackRule: isAuthenticated,
      allowExternalErrors: true,
      fallbackError: () => forbidden().toGraphQLError(),
    }),
  );
  for (const type of Object.values(shielded.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const key = `${type.name}.${field.name}`;
      if (original.has(key)) field.resolve = original.get(key);
    }
  }
  return shielded;
}

const isRule = (x: unknown): x is ShieldRule =>
  typeof x === 'object' && x !== null && typeof (x as { resolve?: unknown }).resolve === 'function';
