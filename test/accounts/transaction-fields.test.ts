import {
  parse,
  visit,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { allGroups } from '../../src/subgraphs/accounts/db/transaction-page.ts';
import { transactionGroupsOf } from '../../src/subgraphs/accounts/resolvers/transaction-fields.ts';

/** What graphql-js hands the `transactions` resolver: its field nodes and the fragments. */
function infoOf(query: string): Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'> {
  const document = parse(query);
  const fieldNodes: FieldNode[] = [];
  const fragments: Record<string, FragmentDefinitionNode> = {};
  visit(document, {
    Field(node) {
      if (node.name.value === 'transactions') fieldNodes.push(node);
    },
    FragmentDefinition(node) {
      fragments[node.name.value] = node;
    },
  });
  expect(fieldNodes.length).toBeGreaterThan(0);
  return { fieldNodes, fragments };
}
const groupsOf = (query: string) => transactionGroupsOf(infoOf(query));

describe('the column groups a transactions selection needs', () => {
  it('the dashboard’s fields: the core and the statement line', () => {
    expect(
      groupsOf(`{ accounts { transactions(first: 100) { edges { node {
        id status amount currency creditDebit bookingDateTime description } } } } }`),
    ).toEqual(['description']);
  });

  it('each field brings its groups, named by field, not by alias', () => {
    expect(
      groupsOf(`{ accounts { transactions { edges { node {
        id when: valueDateTime who: counterparty category { primary } } } } } }`),
    ).toEqual(['valueDate', 'counterparty', 'enrichment']);
    expect(
      groupsOf(`{ accounts { transactions { edges { node { merchant { name } } } } } }`),
    ).toEqual(['enrichment']);
    expect(
      groupsOf(`{ accounts { transactions { edges { node { matchedFrom { confidence } } } } } }`),
    ).toEqual(['pendingMatch']);
    expect(
      groupsOf(`{ accounts { transactions { edges { node { pendingCandidates } } } } }`),
    ).toEqual(['pendingMatch']);
    // An alias named like a field that needs more does not count: `merchant` is `id`.
    expect(
      groupsOf(`{ accounts { transactions { edges { merchant: node { merchant: id } } } } }`),
    ).toEqual([]);
  });

  it('follows fragment spreads and inline fragments, at every level', () => {
    expect(
      groupsOf(`
        query { accounts { transactions { ...Page } } }
        fragment Page on TransactionConnection {
          pageInfo { endCursor }
          ... on TransactionConnection { edges { cursor node { ...Row ... on Transaction { valueDateTime } } } }
        }
        fragment Row on Transaction { id ...Deep }
        fragment Deep on Transaction { matchedFrom { confidence } __typename }
      `),
    ).toEqual(['valueDate', 'pendingMatch']);
  });

  it('reads a superset under @skip and @include, and joins every node of a merged field', () => {
    expect(
      groupsOf(`query($all: Boolean!) { accounts {
        transactions { edges { node { id description @include(if: $all) } } }
        transactions { edges { node { category @skip(if: $all) { primary } } } }
      } }`),
    ).toEqual(['description', 'enrichment']);
  });

  it('pageInfo, cursors and __typename alone: the core only', () => {
    expect(
      groupsOf(`{ accounts { transactions { __typename syncedAt pageInfo { hasNextPage endCursor }
        edges { __typename cursor node { id bookingDateTime __typename } } } } }`),
    ).toEqual([]);
  });

  it('a field it does not know, at any level, reads every group', () => {
    const all = [...allGroups];
    expect(groupsOf(`{ accounts { transactions { edges { node { id futureField } } } } }`)).toEqual(
      all,
    );
    expect(groupsOf(`{ accounts { transactions { totalCount } } }`)).toEqual(all);
    expect(groupsOf(`{ accounts { transactions { edges { score node { id } } } } }`)).toEqual(all);
    // A spread of a fragment the document does not define: nothing to judge it by.
    const info = infoOf(`{ accounts { transactions { edges { node { ...Missing } } } } }`);
    expect(transactionGroupsOf(info)).toEqual(all);
  });
});
