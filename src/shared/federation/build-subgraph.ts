import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { isObjectType, parse, type GraphQLSchema } from 'graphql';
import type { IRules } from 'graphql-shield';
import { buildSchema, createResolversMap, type NonEmptyArray } from 'type-graphql';
import { auditedReference, auditFields } from '../audit/recorder.ts';
import type { SubgraphContext } from '../auth/context.ts';
import { protect } from '../auth/shield.ts';
import { unauthenticated } from '../errors/index.ts';

const federationLink =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides"])';

export type ReferenceResolver<T> = (
  reference: Record<string, unknown>,
  context: SubgraphContext,
) => Promise<T | null> | T | null;

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Class = Function;

/** What a subgraph's schema is made of: classes only, so printing it needs no services. */
export interface SubgraphDefinition {
  /** type-graphql resolver classes. */
  resolvers: [Class, ...Class[]];
  rules: IRules;
  /** Entity stubs reachable only through federation, which type-graphql would leave out. */
  orphanedTypes?: Class[];
}

export interface SubgraphWiring {
  /** Resolver instances, constructed with their services, one per class of the definition. */
  instances: [object, ...object[]];
  /** `__resolveReference` per entity type name. */
  references?: Record<string, ReferenceResolver<unknown>>;
  /**
   * graphql-shield on (the default). Off only for the shield-on-vs-off benchmark, which asks
   * for it explicitly; no production path reads it from the environment.
   */
  shield?: boolean;
}

/** The subgraph's SDL from its classes alone: no database, port, key or service. */
export async function printSubgraph(def: SubgraphDefinition): Promise<string> {
  const schema = await typeGraphqlSchema(def, {
    get: (cls) => {
      throw new Error(`schema-only build: no instance of ${String((cls as Class).name)}`);
    },
  });
  return printSubgraphSchema(federate(schema));
}

function typeGraphqlSchema(def: SubgraphDefinition, container: { get(cls: unknown): object }) {
  return buildSchema({
    resolvers: def.resolvers as unknown as NonEmptyArray<Class>,
    container,
    orphanedTypes: def.orphanedTypes ?? [],
    validate: false,
    skipCheck: true,
  });
}

function federate(schema: GraphQLSchema): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: parse(`${federationLink}\n${printSchemaWithDirectives(schema)}`),
    resolvers: createResolversMap(schema) as never,
  });
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
  wiring: SubgraphWiring,
): Promise<{ schema: GraphQLSchema; sdl: string }> {
  const instances = new Map<unknown, object>(wiring.instances.map((r) => [r.constructor, r]));
  const missing = def.resolvers.filter((cls) => !instances.has(cls));
  if (missing.length) throw new Error(`no instance of ${missing.map((c) => c.name).join(', ')}`);
  const schema = await typeGraphqlSchema(def, { get: (cls: unknown) => instances.get(cls)! });
  const federated = federate(schema);
  // Said loudly so it is never off unnoticed.
  const shield = wiring.shield ?? true;
  if (!shield)
    console.warn(
      '!!! graphql-shield is OFF: field-level authorization is NOT enforced. Benchmarks only. !!!',
    );
  const protectedSchema = shield ? protect(federated, def.rules) : federated;
  for (const [typeName, resolve] of Object.entries(wiring.references ?? {})) {
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
