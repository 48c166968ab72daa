import {
  defaultFieldResolver,
  GraphQLError,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { rule, shield, and, type IRules } from 'graphql-shield';
import { forbidden, unauthenticated } from '../errors/index.ts';
import type { SubgraphContext } from './context.ts';
import type { Principal, PrincipalKind } from './principal.ts';

/**
 * Field-level authorization. Every rule reads only the request's context, so each is decided
 * once per request. A denied field resolves to null with a FORBIDDEN (or UNAUTHENTICATED)
 * error at its path; scope-gated fields must therefore be nullable.
 */
type ShieldRule = ReturnType<typeof and> | ReturnType<ReturnType<typeof rule>>;

/** Allowed, or the error the field becomes (`false`: shield's fallback, FORBIDDEN). */
type Decision = true | false | GraphQLError;
type Decide = (ctx: SubgraphContext | undefined) => Decision;

/**
 * The synchronous decision of each of our rules, by rule. graphql-shield decides root fields
 * through the rule itself; `protect` decides every other ruled field with this, without
 * shield's asynchronous wrapper. Both read the same per-request cache.
 */
const deciders = new WeakMap<object, Decide>();

const fallbackError = (): GraphQLError => forbidden().toGraphQLError();

/** One decision per request: cached on the context object, forgotten with it. */
function perRequest(decide: Decide): Decide {
  const decided = new WeakMap<object, Decision>();
  return (ctx) => {
    if (typeof ctx !== 'object' || ctx === null) return decide(ctx);
    let d = decided.get(ctx);
    if (d === undefined) decided.set(ctx, (d = decide(ctx)));
    return d;
  };
}

/**
 * A rule that depends on the caller alone. An anonymous caller is refused before `decide`
 * is asked, so every rule made here refuses anonymous callers (which `protect` relies on).
 */
export function contextual(name: string, decide: (p: Principal) => Decision): ShieldRule {
  const decision = perRequest((ctx) =>
    ctx?.principal ? decide(ctx.principal) : unauthenticated().toGraphQLError(),
  );
  const r = rule(name, { cache: 'contextual' })((_p, _a, ctx: SubgraphContext) => decision(ctx));
  deciders.set(r, decision);
  return r;
}

/** graphql-shield insists that two rules with one name are one object. */
const named = new Map<string, ShieldRule>();
export function once(name: string, decide: (p: Principal) => Decision): ShieldRule {
  let r = named.get(name);
  if (!r) named.set(name, (r = contextual(name, decide)));
  return r;
}

export const isAuthenticated = once('isAuthenticated', () => true);

/** Allows the field when the caller's token carries `scope`. */
export const requireScope = (scope: string): ShieldRule =>
  once(`scope:${scope}`, (p) =>
    p.scopes.includes(scope)
      ? true
      : forbidden(`This field requires the ${scope} permission`).toGraphQLError(),
  );

/** Allows the field when the caller holds any of `scopes`. */
export const requireAnyScope = (...scopes: string[]): ShieldRule =>
  once(`anyScope:${scopes.join('|')}`, (p) =>
    scopes.some((s) => p.scopes.includes(s))
      ? true
      : forbidden(`This field requires one of: ${scopes.join(', ')}`).toGraphQLError(),
  );

/** Allows the field for these kinds of caller only (e.g. only a PSU authorises a consent). */
export const requireKind = (...kinds: PrincipalKind[]): ShieldRule =>
  once(`kind:${kinds.join('|')}`, (p) =>
    kinds.includes(p.kind)
      ? true
      : forbidden(`Only a ${kinds.join(' or ')} token may do this`).toGraphQLError(),
  );

/**
 * All of `rules`. Decided as graphql-shield's `and` decides: the first error in the rules'
 * order, else FORBIDDEN if any refused.
 */
export const allOf = (...rules: ShieldRule[]): ShieldRule => {
  const r = and(...rules);
  const parts = rules.map((x) => deciders.get(x));
  if (parts.every((d) => d !== undefined)) {
    deciders.set(
      r,
      perRequest((ctx) => {
        let decision: Decision = true;
        for (const d of parts) {
          const v = d(ctx);
          if (v instanceof GraphQLError) return v;
          if (v !== true) decision = false;
        }
        return decision;
      }),
    );
  }
  return r;
};

type FieldRules = Record<string, unknown>;
type Resolver = GraphQLFieldResolver<unknown, SubgraphContext | undefined>;

/**
 * The field's resolver behind its rule's decision, synchronous: a refused field returns its
 * error, which graphql-js puts at the field's path as it did shield's returned error.
 */
function guarded(resolve: Resolver, decide: Decide): Resolver {
  return (source, args, ctx, info) => {
    const d = decide(ctx);
    if (d === true) return resolve(source, args, ctx, info);
    return d === false ? fallbackError() : d;
  };
}

/**
 * Wraps a subgraph schema with its rule map. Default-deny for anonymous callers: any field
 * without its own rule still needs an authenticated caller. `allowExternalErrors` lets our
 * typed resolver errors through; Apollo's formatError masks everything else.
 *
 * graphql-shield decides the root fields (Query, Mutation; `_entities` and so entity
 * references included). Below them shield's wrapper made each of thousands of calls
 * asynchronous and ran its rule machinery per call (docs/BENCHMARKS.md "Shield and audit on
 * the dashboard"), for decisions that depend on the request alone. So:
 * - a nested field with a rule of its own is decided synchronously by the rule's decider,
 *   once per request, and refused with the same error shield would give;
 * - a nested field without one would get the fallback rule, "authenticated": it was already
 *   decided, for the same request, at the root field above it (every rule refuses an
 *   anonymous caller; the map is checked for that here), so it keeps its own resolver.
 */
export function protect(schema: GraphQLSchema, rules: IRules): GraphQLSchema {
  const ruleMap = rules as Record<string, FieldRules | ShieldRule>;
  for (const [type, fields] of Object.entries(ruleMap)) {
    for (const [field, r] of Object.entries(isRule(fields) ? { '*': fields } : fields)) {
      if (!deciders.has(r as object)) {
        throw new Error(
          `Rule for ${type}.${field} must refuse anonymous callers (use shield.ts's rules)`,
        );
      }
    }
  }
  const nested = new Map<string, Resolver | undefined>();
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].map(
      (t) => t?.name,
    ),
  );
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || roots.has(type.name)) continue;
    const own = ruleMap[type.name];
    for (const field of Object.values(type.getFields())) {
      const r = (isRule(own) ? own : (own?.[field.name] ?? own?.['*'])) as ShieldRule | undefined;
      const original = field.resolve as Resolver | undefined;
      nested.set(
        `${type.name}.${field.name}`,
        r === undefined ? original : guarded(original ?? defaultFieldResolver, deciders.get(r)!),
      );
    }
  }
  const shielded = applyMiddleware(
    schema,
    shield(rules, { fallbackRule: isAuthenticated, allowExternalErrors: true, fallbackError }),
  );
  for (const type of Object.values(shielded.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const key = `${type.name}.${field.name}`;
      if (nested.has(key)) field.resolve = nested.get(key);
    }
  }
  return shielded;
}

const isRule = (x: unknown): x is ShieldRule =>
  typeof x === 'object' && x !== null && typeof (x as { resolve?: unknown }).resolve === 'function';
