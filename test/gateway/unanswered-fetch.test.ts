import { describe, expect, it } from 'vitest';
import { UnansweredFetches } from '../../src/gateway/unanswered-fetch.ts';

/** How a subgraph fetch with no response is answered (the end-to-end case: e2e/failover). */
describe('a subgraph fetch that got no response', () => {
  const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  const unanswered = (query: string, variables?: Record<string, unknown>) => {
    const fetches = new UnansweredFetches('accounts');
    const error = refused();
    fetches.mark(error, undefined);
    return fetches.answer(error, { query, variables });
  };
  const paths = (query: string, variables?: Record<string, unknown>) =>
    unanswered(query, variables).errors?.map((e) => e.path);

  it('answers UPSTREAM_UNAVAILABLE naming the subgraph, at each root field (aliases kept)', () => {
    const res = unanswered('{ accounts { id } mine: account(id: "a") { id } __typename }');
    expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.subgraph, e.path])).toEqual([
      ['UPSTREAM_UNAVAILABLE', 'accounts', ['accounts']],
      ['UPSTREAM_UNAVAILABLE', 'accounts', ['mine']],
    ]);
    expect(res.data).toBeUndefined();
  });

  it('answers each entity at its _entities index, with the fields of its own type only', () => {
    const query = `query($representations: [_Any!]!) {
      _entities(representations: $representations) {
        ... on Consent { accounts { id } }
        ... on Psu { ...Totals }
      }
    }
    fragment Totals on Psu { totals { currency } accounts { id } }`;
    expect(
      paths(query, {
        representations: [
          { __typename: 'Consent', id: 'c1' },
          { __typename: 'Psu', id: 'p1' },
        ],
      }),
    ).toEqual([
      ['_entities', 0, 'accounts'],
      ['_entities', 1, 'totals'],
      ['_entities', 1, 'accounts'],
    ]);
  });

  it('rethrows what it did not see fail without a response (an HTTP error, a bad body)', () => {
    const fetches = new UnansweredFetches('accounts');
    const answered = new Error('502: Bad Gateway');
    fetches.mark(answered, { status: 502 });
    expect(() => fetches.answer(answered, { query: '{ accounts { id } }' })).toThrow(answered);
    const unknown = refused();
    expect(() => fetches.answer(unknown, { query: '{ accounts { id } }' })).toThrow(unknown);
  });
});
