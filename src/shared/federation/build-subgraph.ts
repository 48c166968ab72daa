import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { isObjectType, parse, type GraphQLSchema } from 'graphql';
import type { IRules } from 'graphql-shield';
import { buildSchema, createResolversMap, type NonEmptyArray } from 'type-graphql';
import { auditedReference, auditFields } from '../audit/recorder.ts';
import type { SubgraphContext } from '../auth/context.ts';
import { protect } from '../auth/shield.ts';
import { shieldEnabled } from '../config/index.ts';
import { unauthenticated } from '../errors/index.ts';

const federationLink =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides"])';

export type ReferenceResolver<T> = (
  reference: Record<string, unknown>,
  context: SubgraphContext,
) => Promise<T | null> | T | null;

export interface SubgraphDefinition {
  /** Resolver instances, constructed with their services (type-graphql classes). */
  resolvers: [object, ...object[]];
  /** `__resolveReference` per entity type name. */
  references?: Record<string, ReferenceResolver<unknown>>;
  rules: IRules;
  /** Entity stubs reachable only through federation, which type-graphql would leave out. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  orphanedTypes?: Function[];
}

/**
 * type-graphql classes → federated subgraph schema, wrapped with graphql-shield.
 *
 * graphql-middleware rebuilds the schema and drops `resolveReference` (graphql-shield
 * #1111), which would leave entity resolution unauthorized. So reference resolvers are
 * attached after the middleware, each behind an authentication check of its own; the
 * row-level checks are the services', as for direct queries. Each is also wrapped so the
 * audit recorder sees entity resolution as a resolver call (`Type.__resolveReference`), and
 * every field resolver so it sees every field's (`auditFields`).
 */
export async function buildSubgraph(
  def: SubgraphDefinition,
): Promise<{ schema: GraphQLSchema; sdl: string }> {
  const instances = new Map<unknown, object>(def.resolvers.map((r) => [r.constructor, r]));
  const schema = await buildSchema({
    resolvers: def.resolvers.map((r) => r.constructor) as unknown as NonEmptyArray<
      // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
      Function
    >,
    container: { get: (cls: unknown) => instances.get(cls) },
    orphanedTypes: def.orphanedTypes ?? [],
    validate: false,
    skipCheck: true,
  });
  const federated = buildSubgraphSchema({
    typeDefs: parse(`${federationLink}\n${printSchemaWithDirectives(schema)}`),
    resolvers: createResolversMap(schema) as never,
  });
  // Off only for the shield-on-vs-off benchmark; said loudly so it is never off unnoticed.
  const shield = shieldEnabled();
  if (!shield)
    console.warn(
      '!!! SHIELD_ENABLED=false: graphql-shield is OFF, field-level authorization is NOT enforced. Benchmarks only. !!!',
    );
  const protectedSchema = shield ? protect(federated, def.rules) : federated;
  for (const [typeName, resolve] of Object.entries(def.references ?? {})) {
    const type = protectedSchema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`No entity type ${typeName} in this subgraph`);
    // Where @apollo/subgraph looks for the reference resolver of an entity.
    Object.assign(type, {
      extensions: {
        ...type.extensions,
        apollo: {
          subgraph: {
            resolveReference: auditedReference(
              typeName,
              (ref: Record<string, unknown>, ctx: SubgraphContext) => {
                if (!ctx.principal) throw unauthenticated().toGraphQLError();
                return resolve(ref, ctx);
              },
            ),
          },
        },
      },
    });
  }
  // Outermost, around shield's wrappers: a denied field is a call, and is recorded.
  auditFields(protectedSchema);
  return {
    schema: protectedSchema,
    sdl: printSubgraphSchema(federated),
  };
}
