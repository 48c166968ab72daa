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
        errors?: { message: string; extensions?: Record<string, unknown> }[];
      }),
    };
  };

  it('answers an unknown operationName with BAD_USER_INPUT and says which, not an internal error', async () => {
    const res = await post({ query: 'query Mine { consents { id } }', operationName: 'Theirs' });
    expect(errorCodes({ ...res, headers: new Headers() })).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]!.message).toBe('Unknown operation named "Theirs".');
  });

  it('runs the named operation of a document with several', async () => {
    const res = await post({
      query: 'query A { consents { id } } query B { consents { status } }',
      operationName: 'B',
    });
    expect(res.errors).toBeUndefined();
  });
});
