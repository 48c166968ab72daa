import { buildSchema, parse, validate, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { cachedCost, operationCost } from '../../src/gateway/limits/cost.ts';
import { maxAliasesRule, maxDepthRule } from '../../src/gateway/limits/rules.ts';

const schema = buildSchema(`
  type Query { accounts(first: Int, limit: Int): [Account!]! me: Psu }
  type Psu { id: ID! accounts: [Account!] }
  type Account {
    id: ID!
    transactions(first: Int): [Transaction!]!
    balances: [Balance!]
    history(first: Int = 50): [Transaction!]
    page(first: Int! = 20): TransactionConnection
  }
  type TransactionConnection { edges: [TransactionEdge!]! pageInfo: PageInfo! }
  type TransactionEdge { cursor: String! node: Transaction! tags: [String!] }
  type PageInfo { hasNextPage: Boolean! }
  type Transaction { id: ID! amount: String! }
  type Balance { amount: String! }
`);

const cost = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition',
  )!;
  return operationCost(schema, document, operation, variables, { defaultListSize: 10 });
};

describe('operation cost (objects, weighted by page sizes)', () => {
  it('counts objects, not scalars', () => {
    expect(cost('{ me { id } }')).toBe(1);
    expect(cost('{ __typename }')).toBe(0);
  });

  it('multiplies a list by its page-size argument: each element and its selection', () => {
    // accounts: 5 * (1 + transactions 20 * 1)
    expect(cost('{ accounts(first: 5) { id transactions(first: 20) { id amount } } }')).toBe(
      5 * (1 + 20),
    );
  });

  it('reads the page size from variables, then from the variable default', () => {
    const q = 'query($n: Int = 3) { accounts(first: $n) { id } }';
    expect(cost(q, { n: 50 })).toBe(50);
    expect(cost(q)).toBe(3);
  });

  it('uses the default list size when a list has no page-size argument', () => {
    // me 1 + accounts 10 * (1 + balances 10 * 1)
    expect(cost('{ me { accounts { balances { amount } } } }')).toBe(1 + 10 * (1 + 10));
  });

  it("uses the schema's default page size when the argument is omitted", () => {
    expect(cost('{ accounts(first: 1) { history { id } } }')).toBe(1 + 50);
  });

  it('weights a paged connection by its page size, once, not again at its edges', () => {
    // page: 1 + 5 * (edges 1 * (1 + node 1) + pageInfo 1); tags are scalars
    expect(
      cost(
        '{ accounts(first: 1) { page(first: 5) { edges { node { id } tags } pageInfo { hasNextPage } } } }',
      ),
    ).toBe(1 + (1 + 5 * (2 + 1)));
    // The schema default (20) applies when first is omitted.
    expect(cost('{ accounts(first: 1) { page { edges { cursor } } } }')).toBe(1 + (1 + 20 * 1));
  });

  it('takes the largest of several page-size arguments', () => {
    expect(cost('{ accounts(first: 2, limit: 40) { id } }')).toBe(40);
  });

  it('expands fragments and inline fragments, and ignores introspection fields', () => {
    expect(
      cost(
        '{ accounts(first: 2) { ...A ... on Account { id balances { amount } } } __typename } fragment A on Account { id history(first: 3) { id } }',
      ),
    ).toBe(2 * (1 + 3 + 10));
  });
});

describe('depth and alias rules', () => {
  const errors = (query: string) =>
    validate(schema, parse(query), [maxDepthRule(3), maxAliasesRule(2)]).map(
      (e) => (e.originalError as { details?: { limit?: string } } | undefined)?.details?.limit,
    );

  it('accepts what is within both limits', () => {
    expect(errors('{ a: me { b: id } accounts { id } }')).toEqual([]);
  });

  it('refuses depth past the limit, through fragments', () => {
    expect(
      errors('{ me { ...P } } fragment P on Psu { accounts { transactions { id } } }'),
    ).toEqual(['depth']);
  });

  it('survives a fragment cycle (graphql reports the cycle itself)', () => {
    expect(() =>
      validate(schema, parse('{ me { ...P } } fragment P on Psu { ...P }'), [maxDepthRule(3)]),
    ).not.toThrow();
  });

  it('refuses too many aliases, counting each spread of a fragment', () => {
    expect(errors('{ me { ...P } again: me { ...P } } fragment P on Psu { x: id }')).toEqual([
      'aliases',
    ]);
  });
});

describe('cost remembered per document', () => {
  const operationOf = (document: ReturnType<typeof parse>) =>
    document.definitions.find(
      (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition',
    )!;

  it('keeps the cost of a document whose page sizes are literals', () => {
    const cache = new WeakMap();
    const document = parse('{ accounts(first: 5) { id } }');
    const options = { defaultListSize: 10 };
    expect(cachedCost(cache, schema, document, operationOf(document), {}, options)).toBe(5);
    expect(cache.get(document)?.get('')).toBe(5);
  });

  it('weighs again when a page size comes from the variables', () => {
    const cache = new WeakMap();
    const document = parse('query($n: Int) { accounts(first: $n) { id } }');
    const operation = operationOf(document);
    const options = { defaultListSize: 10 };
    expect(cachedCost(cache, schema, document, operation, { n: 2 }, options)).toBe(2);
    expect(cachedCost(cache, schema, document, operation, { n: 900 }, options)).toBe(900);
    expect(cache.has(document)).toBe(false);
  });
});
