import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import {
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type SelectionSetNode,
} from 'graphql';
import { ErrorCode } from '../shared/errors/index.ts';

type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/**
 * Subgraph fetches that got no HTTP response at all (refused, reset, timed out): the
 * subgraph is down or unreachable. Apollo's gateway turns such a thrown error into one
 * pathless error, which formatError masks as INTERNAL_SERVER_ERROR; answered instead as
 * UPSTREAM_UNAVAILABLE at each field the fetch was to fill, the gateway maps the errors
 * onto the client's paths (entity fetches through their `_entities` index), those fields
 * read null and the other subgraphs' fields still arrive. A subgraph that answers, even
 * with an HTTP error, is left as it is.
 */
export class UnansweredFetches {
  private readonly unanswered = new WeakSet<object>();

  constructor(private readonly subgraph: string) {}

  /** From didEncounterError: remembers errors that came without a response. */
  mark(error: unknown, response: unknown): void {
    if (!response && typeof error === 'object' && error !== null) this.unanswered.add(error);
  }

  /** From process()'s rejection: the stand-in answer for an unanswered fetch, else rethrows. */
  answer(
    error: unknown,
    request: { query?: string; variables?: Record<string, unknown> },
  ): SubgraphResponse {
    if (
      typeof error !== 'object' ||
      error === null ||
      !this.unanswered.has(error) ||
      !request.query
    )
      throw error;
    const extensions = { code: ErrorCode.UPSTREAM_UNAVAILABLE, subgraph: this.subgraph };
    const message = `The ${this.subgraph} service did not answer`;
    return {
      errors: fetchedPaths(parse(request.query), request.variables).map(
        (path): GraphQLFormattedError => ({ message, path, extensions }),
      ),
    };
  }
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
