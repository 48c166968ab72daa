import { Supergraph } from '@apollo/federation-internals';
import { CriticalityLevel, diff } from '@graphql-inspector/core';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLSchema,
} from 'graphql';

export interface BreakingChange {
  path: string;
  message: string;
}

/** What clients see: the supergraph without join__/link__ machinery or @inaccessible parts. */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

/**
 * Breaking changes from the baseline supergraph to the current one, as clients of the API
 * schema feel them. A change to a field, argument or enum value that was already
 * @deprecated in the baseline is allowed: deprecation is how a removal is announced.
 */
export async function breakingChanges(
  baselineSupergraph: string,
  currentSupergraph: string,
): Promise<BreakingChange[]> {
  const baseline = apiSchemaOf(baselineSupergraph);
  const changes = await diff(baseline, apiSchemaOf(currentSupergraph));
  return changes
    .filter((c) => c.criticality.level === CriticalityLevel.Breaking)
    .filter((c) => !c.path || !deprecatedIn(baseline, c.path))
    .map((c) => ({ path: c.path ?? '', message: c.message }));
}

/** `Type.field`, `Type.field.argument` or `Enum.VALUE`, deprecated (or under a deprecated field). */
function deprecatedIn(schema: GraphQLSchema, path: string): boolean {
  const [typeName, member, argument] = path.split('.');
  const type = typeName ? schema.getType(typeName) : undefined;
  if (!type || !member) return false;
  if (isEnumType(type)) return type.getValue(member)?.deprecationReason != null;
  if (isInputObjectType(type)) return type.getFields()[member]?.deprecationReason != null;
  if (!isObjectType(type) && !isInterfaceType(type)) return false;
  const field = type.getFields()[member];
  if (!field) return false;
  if (field.deprecationReason != null) return true;
  return (
    argument !== undefined && field.args.find((a) => a.name === argument)?.deprecationReason != null
  );
}
