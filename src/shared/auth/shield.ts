import { GraphQLError, type GraphQLSchema } from 'graphql';
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
  return r;
}

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

export const allOf = (...rules: ShieldRule[]): ShieldRule => and(...rules);

/**
 * Wraps a subgraph schema with its rule map. Default-deny for anonymous callers: any field
 * without its own rule still needs an authenticated caller. `allowExternalErrors` lets our
 * typed resolver errors through; Apollo's formatError masks everything else.
 */
export function protect(schema: GraphQLSchema, rules: IRules): GraphQLSchema {
  return applyMiddleware(
    schema,
    shield(rules, {
      fallbackRule: isAuthenticated,
      allowExternalErrors: true,
      fallbackError: () => forbidden().toGraphQLError(),
    }),
  );
}
