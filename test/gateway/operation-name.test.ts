import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, startTestSystem, type TestSystem } from '../support/system.ts';

describe('operation names the document does not define', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({ SANDBOX_TRANSACTIONS_PER_ACCOUNT: '5' });
  });
  afterAll(() => t.stop());

  const post = async (body: Record<string, unknown>) => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await t.tokens.client()}`,
      },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      ...((await res.json()) as {
        data?: Record<string, unknown>;
        errors?: { message: string; extensions?: Record<string, unknown> }[];
      }),
    };
  };

  it('answers an unknown operationName with BAD_USER_INPUT and says which, not an internal error', async () => {
    const res = await post({ query: 'query Mine { consents { id } }', operationName: 'Theirs' });
    expect(errorCodes({ ...res, headers: new Headers() })).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]!.message).toBe('Unknown operation named "Theirs".');
  });

  it('runs the named operation of a document with several, and only that one', async () => {
    // Each operation answers under its own alias, so the result shows which one ran.
    const query = 'query A { ranA: __typename } query B { ranB: __typename }';
    for (const [operationName, expected] of [
      ['B', { ranB: 'Query' }],
      ['A', { ranA: 'Query' }],
    ] as const) {
      const res = await post({ query, operationName });
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual(expected);
    }
  });
});
