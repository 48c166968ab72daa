import {
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
  isObjectType,
  isInterfaceType,
  type DocumentNode,
  type FieldNode,
  type GraphQLArgument,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { isIntrospectionField } from './walk.ts';

/** Arguments that bound how many items a list field returns. */
const pageSizeArguments = new Set(['first', 'last', 'limit', 'pageSize', 'take']);

export interface CostOptions {
  /** The weight of a list field with no page-size argument. */
  defaultListSize: number;
  /** Set when a page size came from the variables: the cost is then not the document's own. */
  readVariables?: { value: boolean };
}

/**
 * Upper bound of the objects an operation asks for (scalars ride along with their object
 * and cost nothing; maxTokens bounds how many can be named). Every object field costs 1; a
 * field with a page-size argument (`first`, `limit`, ... as sent, else the schema's default)
 * multiplies the cost of its selection by it, whether it returns a list or a connection; any
 * other list multiplies by `defaultListSize`, except the list right under a paged
 * connection (its `edges` or `nodes`, already counted by the page size). Variables are
 * resolved, so it runs per request, before query planning.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  o: CostOptions,
): number {
  const fragments = new Map(
    document.definitions.flatMap((d) =>
      d.kind === 'FragmentDefinition' ? [[d.name.value, d] as const] : [],
    ),
  );
  const visiting = new Set<string>();

  const pageSize = (field: FieldNode): number | undefined => {
    let size: number | undefined;
    for (const arg of field.arguments ?? []) {
      if (!pageSizeArguments.has(arg.name.value)) continue;
      const value = numberOf(arg.value, variables, operation, o.readVariables);
      if (value !== undefined) size = Math.max(size ?? 0, value);
    }
    return size;
  };

  const costOf = (
    set: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
    underPage = false,
  ): number => {
    let total = 0;
    for (const s of set.selections) {
      if (s.kind === 'InlineFragment') {
        const on = s.typeCondition ? schema.getType(s.typeCondition.name.value) : parent;
        total += costOf(s.selectionSet, on ?? parent, underPage);
      } else if (s.kind === 'FragmentSpread') {
        const fragment = fragments.get(s.name.value);
        if (!fragment || visiting.has(s.name.value)) continue;
        visiting.add(s.name.value);
        total += costOf(
          fragment.selectionSet,
          schema.getType(fragment.typeCondition.name.value) ?? undefined,
          underPage,
        );
        visiting.delete(s.name.value);
      } else if (!isIntrospectionField(s.name.value)) {
        const def =
          parent && (isObjectType(parent) || isInterfaceType(parent))
            ? parent.getFields()[s.name.value]
            : undefined;
        if (!def || isLeafType(getNamedType(def.type))) continue;
        const paged = pageSize(s) ?? schemaDefault(def.args);
        const isList = isListType(getNullableType(def.type));
        const children = s.selectionSet
          ? costOf(s.selectionSet, getNamedType(def.type), paged !== undefined && !isList)
          : 0;
        if (isList) {
          // Each element is an object: it counts, and so does its selection.
          const size = paged ?? (underPage ? 1 : o.defaultListSize);
          total += size * (1 + children);
        } else {
          total += 1 + (paged ?? 1) * children;
        }
      }
    }
    return total;
  };

  const root = schema.getRootType(operation.operation) ?? undefined;
  return costOf(operation.selectionSet, root);
}

/** `first: Int = 50` in the schema: what an omitted page-size argument means. */
function schemaDefault(args: readonly GraphQLArgument[]): number | undefined {
  const sizes = args
    .filter((a) => pageSizeArguments.has(a.name) && typeof a.defaultValue === 'number')
    .map((a) => a.defaultValue as number);
  return sizes.length ? Math.max(...sizes) : undefined;
}

function numberOf(
  value: ValueNode,
  variables: Record<string, unknown>,
  operation: OperationDefinitionNode,
  readVariables?: { value: boolean },
): number | undefined {
  if (value.kind === 'IntValue') return Number(value.value);
  if (value.kind !== 'Variable') return undefined;
  if (readVariables) readVariables.value = true;
  const name = value.name.value;
  const given = variables[name];
  if (typeof given === 'number') return given;
  const declared = operation.variableDefinitions?.find((v) => v.variable.name.value === name);
  return declared?.defaultValue?.kind === 'IntValue'
    ? Number(declared.defaultValue.value)
    : undefined;
}

/**
 * operationCost, remembered per parsed document and operation when no page size comes from
 * the variables (the engine's parser cache hands back the same document for the same text).
 */
export function cachedCost(
  cache: WeakMap<DocumentNode, Map<string, number>>,
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  o: CostOptions,
): number {
  const key = operation.name?.value ?? '';
  const known = cache.get(document)?.get(key);
  if (known !== undefined) return known;
  const readVariables = { value: false };
  const cost = operationCost(schema, document, operation, variables, { ...o, readVariables });
  if (!readVariables.value) {
    let perOperation = cache.get(document);
    if (!perOperation) cache.set(document, (perOperation = new Map()));
    perOperation.set(key, cost);
  }
  return cost;
}
