import {
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type SelectionSetNode,
} from 'graphql';
import { ErrorCode } from '../../shared/errors/index.ts';

/**
 * The answer for a subgraph fetch that got no HTTP response at all (refused, reset, timed
 * out): the subgraph is down or unreachable. Answered as UPSTREAM_UNAVAILABLE at each field
 * the fetch was to fill, the engine maps the errors onto the client's paths (entity fetches
 * through their `_entities` index), those fields read null and the other subgraphs' fields
 * still arrive. A subgraph that answers, even with an HTTP error, is left as it is.
 */
export function unansweredResponse(subgraph: string, body: unknown): Response {
  let request: { query?: unknown; variables?: Record<string, unknown> } = {};
  try {
    request = typeof body === 'string' ? (JSON.parse(body) as typeof request) : {};
  } catch {
    // Not ours to parse: no paths, one pathless error.
  }
  const extensions = { code: ErrorCode.UPSTREAM_UNAVAILABLE, subgraph };
  const message = `The ${subgraph} service did not answer`;
  const paths =
    typeof request.query === 'string' ? fetchedPaths(parse(request.query), request.variables) : [];
  const errors: GraphQLFormattedError[] = paths.length
    ? paths.map((path) => ({ message, path, extensions }))
    : [{ message, extensions }];
  return new Response(JSON.stringify({ data: null, errors }), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}

/** Response paths of the fields a subgraph operation asks for, as its answer would hold them. */
function fetchedPaths(
  document: DocumentNode,
  variables: Record<string, unknown> = {},
): (string | number)[][] {
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) return [];
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const keys = (set: SelectionSetNode, typename?: string): string[] =>
    set.selections.flatMap((s) => {
      if (s.kind === Kind.FIELD)
        return s.name.value === '__typename' ? [] : [(s.alias ?? s.name).value];
      const fragment = s.kind === Kind.INLINE_FRAGMENT ? s : fragments.get(s.name.value);
      const on = fragment?.typeCondition?.name.value;
      return fragment && (!on || !typename || on === typename)
        ? keys(fragment.selectionSet, typename)
        : [];
    });
  const [first] = operation.selectionSet.selections;
  const representations = variables['representations'];
  if (first?.kind === Kind.FIELD && first.name.value === '_entities' && first.selectionSet) {
    if (!Array.isArray(representations)) return [];
    return representations.flatMap((r: unknown, i) => {
      const typename = (r as { __typename?: unknown } | null)?.__typename;
      return keys(first.selectionSet!, typeof typename === 'string' ? typename : undefined).map(
        (key) => ['_entities', i, key],
      );
    });
  }
  return keys(operation.selectionSet).map((key) => [key]);
}
