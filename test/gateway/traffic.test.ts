import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';
import { until } from './helpers.ts';

/** Per-client rate limits (token bucket) and the concurrency cap, over real HTTP. */
describe('gateway traffic limits', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({
      RATE_LIMIT_BURST: '3',
      // One token per 20 s: nothing refills while the test runs.
      RATE_LIMIT_PER_SECOND: '0.05',
      MAX_CONCURRENT_REQUESTS: '1',
    });
  });
  afterAll(() => t.stop());

  it('gives each client its burst, then answers 429 RATE_LIMITED with Retry-After', async () => {
    const token = await t.tokens.client('demo-basic', 'demo-basic-secret');
    for (let i = 0; i < 3; i++) expectNoErrors(await t.execute(token, '{ consents { id } }'));
    const res = await t.execute(
      token,
      '{ consents { id } }',
      {},
      { 'x-fapi-interaction-id': 'rl-1' },
    );
    expect(res.status).toBe(429);
    expect(errorCodes(res)).toEqual(['RATE_LIMITED']);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(res.errors![0]!.extensions!.retryAfterSeconds).toBe(
      Number(res.headers.get('retry-after')),
    );
    expect(res.headers.get('x-fapi-interaction-id')).toBe('rl-1');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('keys the bucket by client_id: another client is not slowed by the first', async () => {
    const other = await t.tokens.client('compliance-console', 'compliance-secret');
    expectNoErrors(await t.execute(other, '{ __typename }'));
  });

  it('answers 503 with Retry-After at once when the concurrency cap is reached, never queues', async () => {
    const token = await t.tokens.client();
    // A request whose body is still arriving holds the only slot.
    const body = JSON.stringify({ query: '{ __typename }' });
    const held = request(`${t.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        authorization: `Bearer ${token}`,
      },
    });
    const heldAnswer = new Promise<number>((resolve, reject) => {
      held.on('response', (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      held.on('error', reject);
    });
    held.write(body.slice(0, 5));
    await until(async () => (await inFlight(t.url)) === 1);

    const refused = await t.execute(
      token,
      '{ __typename }',
      {},
      { 'x-fapi-interaction-id': 'cap-1' },
    );
    expect(refused.status).toBe(503);
    expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
    expect(refused.errors![0]!.extensions!.reason).toBe('overloaded');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('x-fapi-interaction-id')).toBe('cap-1');

    held.end(body.slice(5));
    expect(await heldAnswer).toBe(200);
    // The slot is free again once the held request is answered.
    await until(async () => (await inFlight(t.url)) === 0);
    expectNoErrors(await t.execute(token, '{ __typename }'));
  });
});

async function inFlight(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^ledgergraph_graphql_requests_in_flight (\S+)$/m.exec(text)?.[1]);
}
