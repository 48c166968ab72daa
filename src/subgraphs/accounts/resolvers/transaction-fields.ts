import {
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import { allGroups, type ColumnGroup } from '../db/transaction-page.ts';

/**
 * The column groups each Transaction field needs (its own and its field resolver's reads).
 * A field not named here, one added later, makes the page read every group: a page that
 * reads too much is slower, one that reads too little answers wrong.
 */
const groupsOfField: Readonly<Record<string, readonly ColumnGroup[]>> = {
  id: [],
  accountId: [],
  status: [],
  amount: [],
  currency: [],
  creditDebit: [],
  bookingDateTime: [],
  valueDateTime: ['valueDate'],
  description: ['description'],
  counterparty: ['counterparty'],
  merchant: ['enrichment'],
  category: ['enrichment'],
  matchedFrom: ['pendingMatch'],
  pendingCandidates: ['pendingMatch'],
  __typename: [],
};

/** The fields of the connection and its edges that read nothing of the rows beyond the core. */
const connectionFields = new Set(['pageInfo', 'syncedAt', '__typename']);
const edgeFields = new Set(['cursor', '__typename']);

/** Means "read everything": the selection held something this walk does not know. */
class Unknown extends Error {}

/**
 * The column groups a `transactions` field's selection needs: the fields under
 * `edges { node { … } }`, fragments followed, aliases and directives ignored (@skip and
 * @include may make it read more than it shows, never less). Anything it does not expect
 * gives every group.
 */
export function transactionGroupsOf(
  info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>,
): ColumnGroup[] {
  const wanted = new Set<ColumnGroup>();
  try {
    for (const connection of info.fieldNodes) {
      for (const field of fieldsOf(connection.selectionSet, info.fragments)) {
        const name = field.name.value;
        if (name === 'edges') {
          edgeGroups(field, info.fragments, wanted);
        } else if (!connectionFields.has(name)) {
          throw new Unknown();
        }
      }
    }
  } catch (e) {
    if (e instanceof Unknown) return [...allGroups];
    throw e;
  }
  return allGroups.filter((g) => wanted.has(g));
}

function edgeGroups(
  edges: FieldNode,
  fragments: Record<string, FragmentDefinitionNode>,
  wanted: Set<ColumnGroup>,
) {
  for (const field of fieldsOf(edges.selectionSet, fragments)) {
    const name = field.name.value;
    if (name === 'node') {
      for (const f of fieldsOf(field.selectionSet, fragments)) {
        const groups = groupsOfField[f.name.value];
        if (!groups) throw new Unknown();
        for (const g of groups) wanted.add(g);
      }
    } else if (!edgeFields.has(name)) {
      throw new Unknown();
    }
  }
}

/** The fields of a selection set, inline fragments and fragment spreads flattened. */
function* fieldsOf(
  set: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  seen: ReadonlySet<string> = new Set(),
): Generator<FieldNode> {
  if (!set) throw new Unknown();
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      yield s;
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      yield* fieldsOf(s.selectionSet, fragments, seen);
    } else {
      const name = s.name.value;
      const fragment = fragments[name];
      // graphql-js rejects cycles before a resolver runs; a cycle here is still not a hang.
      if (!fragment || seen.has(name)) throw new Unknown();
      yield* fieldsOf(fragment.selectionSet, fragments, new Set([...seen, name]));
    }
  }
}
