import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../../src/shared/errors/index.js';
import { BankHttpClient } from '../../../src/shared/bank-http/client.js';
import type { BankHttpClientOptions } from '../../../src/shared/bank-http/client.js';
import { FakeBank, FakeTiming } from './support/fake-bank.js';
import type { Reply } from './support/fake-bank.js';

const okBody = z.object({ ok: z.literal(true) });
const ok: Reply = { json: { ok: true } };

let bank: FakeBank | undefined;
afterEach(async () => {
  await bank?.close();
  bank = undefined;
});

function client(timing: FakeTiming, options: Partial<BankHttpClientOptions> = {}): BankHttpClient {
  return new BankHttpClient({ bankId: 'bank-1', standard: 'obie', timing, ...options });
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

function get(url: string, extra: Record<string, string> = {}) {
  return {
    method: 'GET' as const,
    url: new URL('/accounts', url),
    endpoint: 'GET /accounts',
    headers: extra,
  };
}

describe('bank HTTP client: retries', () => {
  it('retries a GET after a 500 and returns the later success', async () => {
    bank = await FakeBank.scripted({ status: 500, json: {} }, ok);
    const timing = new FakeTiming();
    const response = await client(timing).request(get(bank.url), okBody);
    expect(response.body).toEqual({ ok: true });
    expect(bank.requests).toHaveLength(2);
    // Exponential backoff with equal jitter: first step 200 ms → between 100 and 200.
    expect(timing.sleeps).toEqual([150]);
  });

  it('keeps one x-fapi-interaction-id across the attempts of a call', async () => {
    bank = await FakeBank.scripted({ status: 502 }, ok);
    await client(new FakeTiming()).request(get(bank.url), okBody);
    const ids = bank.requests.map((r) => r.headers['x-fapi-interaction-id']);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).toBe(ids[0]);
  });

  it('reports the interaction id the bank echoed', async () => {
    bank = await FakeBank.start((req) => ({
      ...ok,
      headers: { 'x-fapi-interaction-id': String(req.headers['x-fapi-interaction-id']) },
    }));
    const response = await client(new FakeTiming()).request(get(bank.url), okBody);
    expect(response.interactionId).toBe(bank.requests[0]!.headers['x-fapi-interaction-id']);
  });

  it('sends X-Request-ID, not the FAPI header, to a Berlin Group bank', async () => {
    bank = await FakeBank.scripted(ok);
    await client(new FakeTiming(), { standard: 'berlin-group' }).request(get(bank.url), okBody);
    expect(bank.requests[0]!.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(bank.requests[0]!.headers['x-fapi-interaction-id']).toBeUndefined();
  });

  it('honours Retry-After in seconds on 429, then the second request arrives', async () => {
    bank = await FakeBank.scripted({ status: 429, headers: { 'retry-after': '3' } }, ok);
    const timing = new FakeTiming();
    await client(timing).request(get(bank.url), okBody);
    expect(timing.sleeps).toEqual([3000]);
    expect(bank.requests).toHaveLength(2);
  });

  it('honours Retry-After as an HTTP-date on 429', async () => {
    const timing = new FakeTiming();
    const at = new Date(timing.nowMs + 7000).toUTCString();
    bank = await FakeBank.scripted({ status: 429, headers: { 'retry-after': at } }, ok);
    await client(timing).request(get(bank.url), okBody);
    expect(timing.sleeps).toEqual([7000]);
    expect(bank.requests).toHaveLength(2);
  });

  it('gives up at once with RATE_LIMITED when Retry-After exceeds the longest wait', async () => {
    bank = await FakeBank.scripted({ status: 429, headers: { 'retry-after': '3600' } }, ok);
    const timing = new FakeTiming();
    const error = await failure(client(timing).request(get(bank.url), okBody));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.details).toMatchObject({
      bankId: 'bank-1',
      reason: 'rate_limited',
      retryAfterSeconds: 3600,
    });
    expect(bank.requests).toHaveLength(1);
    expect(timing.sleeps).toEqual([]);
  });

  it('stops after 3 attempts with exponential backoff between them', async () => {
    bank = await FakeBank.scripted({ status: 503 });
    const timing = new FakeTiming();
    const error = await failure(client(timing).request(get(bank.url), okBody));
    expect(bank.requests).toHaveLength(3);
    expect(timing.sleeps).toEqual([150, 300]);
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.details).toMatchObject({ bankId: 'bank-1', reason: 'bank_error', status: 503 });
  });

  it('refuses more than 3 attempts in its options', () => {
    expect(() => client(new FakeTiming(), { retry: { maxAttempts: 4 } })).toThrow(/maxAttempts/);
  });

  it('ends a run of 429s with RATE_LIMITED after 3 attempts', async () => {
    bank = await FakeBank.scripted({ status: 429, headers: { 'retry-after': '1' } });
    const error = await failure(client(new FakeTiming()).request(get(bank.url), okBody));
    expect(bank.requests).toHaveLength(3);
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.details).toMatchObject({
      bankId: 'bank-1',
      reason: 'rate_limited',
      retryAfterSeconds: 1,
    });
  });

  it('does not retry a POST without an idempotency key', async () => {
    bank = await FakeBank.scripted({ status: 500 }, ok);
    const error = await failure(
      client(new FakeTiming()).request(
        { method: 'POST', url: new URL('/pay', bank.url), endpoint: 'POST /pay', json: { a: 1 } },
        okBody,
      ),
    );
    expect(bank.requests).toHaveLength(1);
    expect(error.details).toMatchObject({ bankId: 'bank-1', reason: 'bank_error', status: 500 });
  });

  it('retries a POST that carries an idempotency key, sending the same key each time', async () => {
    bank = await FakeBank.scripted({ status: 500 }, ok);
    await client(new FakeTiming()).request(
      {
        method: 'POST',
        url: new URL('/pay', bank.url),
        endpoint: 'POST /pay',
        json: { a: 1 },
        idempotencyKey: 'key-123',
      },
      okBody,
    );
    expect(bank.requests.map((r) => r.headers['x-idempotency-key'])).toEqual([
      'key-123',
      'key-123',
    ]);
  });

  it('does not retry 4xx other than 429', async () => {
    bank = await FakeBank.scripted(
      { status: 400, json: { Code: '400', Errors: [{ ErrorCode: 'U002', Message: 'x' }] } },
      ok,
    );
    const error = await failure(client(new FakeTiming()).request(get(bank.url), okBody));
    expect(bank.requests).toHaveLength(1);
    expect(error.details).toMatchObject({
      bankId: 'bank-1',
      reason: 'bank_rejected_request',
      status: 400,
      bankErrorCodes: ['400', 'U002'],
    });
  });

  it('does not retry 501 Not Implemented', async () => {
    bank = await FakeBank.scripted({ status: 501 }, ok);
    await failure(client(new FakeTiming()).request(get(bank.url), okBody));
    expect(bank.requests).toHaveLength(1);
  });
});

describe('bank HTTP client: Berlin Group ACCESS_EXCEEDED', () => {
  it('is not retried: RATE_LIMITED at once, come back tomorrow', async () => {
    bank = await FakeBank.scripted(
      {
        status: 429,
        headers: { 'retry-after': '1' },
        json: { tppMessages: [{ category: 'ERROR', code: 'ACCESS_EXCEEDED' }] },
      },
      ok,
    );
    const timing = new FakeTiming(); // 12:00 UTC → 12 h to midnight
    const error = await failure(
      client(timing, { standard: 'berlin-group' }).request(get(bank.url), okBody),
    );
    expect(bank.requests).toHaveLength(1);
    expect(timing.sleeps).toEqual([]);
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.details).toMatchObject({
      bankId: 'bank-1',
      reason: 'access_exceeded',
      retryAfterSeconds: 12 * 3600,
      bankErrorCodes: ['ACCESS_EXCEEDED'],
    });
  });

  it('is recognised in the problem+json shape too', async () => {
    bank = await FakeBank.scripted({
      status: 429,
      json: { type: 'about:blank', code: 'ACCESS_EXCEEDED' },
    });
    const error = await failure(
      client(new FakeTiming(), { standard: 'berlin-group' }).request(get(bank.url), okBody),
    );
    expect(bank.requests).toHaveLength(1);
    expect(error.details['reason']).toBe('access_exceeded');
  });
});

describe('bank HTTP client: timeouts and transport failures', () => {
  it('turns a bank that never answers into UPSTREAM_UNAVAILABLE with reason timeout', async () => {
    bank = await FakeBank.scripted({ hang: true });
    const timing = new FakeTiming();
    const started = Date.now();
    const error = await failure(client(timing, { timeoutMs: 100 }).request(get(bank.url), okBody));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.details).toMatchObject({
      bankId: 'bank-1',
      reason: 'timeout',
      endpoint: 'GET /accounts',
    });
    // Each of the 3 attempts got its own 100 ms budget.
    expect(bank.requests).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out a body that starts but never finishes', async () => {
    bank = await FakeBank.scripted({ json: { ok: true }, stallBody: true });
    const error = await failure(
      client(new FakeTiming(), { timeoutMs: 100, retry: { maxAttempts: 1 } }).request(
        get(bank.url),
        okBody,
      ),
    );
    expect(error.details).toMatchObject({ bankId: 'bank-1', reason: 'timeout' });
  });

  it('reports an unreachable bank as network_error', async () => {
    const closed = await FakeBank.scripted(ok);
    const url = closed.url;
    await closed.close();
    const error = await failure(client(new FakeTiming()).request(get(url), okBody));
    expect(error.details).toMatchObject({ bankId: 'bank-1', reason: 'network_error' });
  });

  it('stops when the caller aborts', async () => {
    bank = await FakeBank.scripted({ hang: true });
    const controller = new AbortController();
    const pending = client(new FakeTiming()).request(
      { ...get(bank.url), signal: controller.signal },
      okBody,
    );
    setTimeout(() => controller.abort(), 50);
    const error = await failure(pending);
    expect(error.details).toMatchObject({ bankId: 'bank-1', reason: 'aborted' });
    expect(bank.requests).toHaveLength(1);
  });
});

describe('bank HTTP client: bodies', () => {
  it('refuses a body that is not JSON', async () => {
    bank = await FakeBank.scripted({ raw: '<html>oops' });
    const error = await failure(client(new FakeTiming()).request(get(bank.url), okBody));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.details).toMatchObject({
      bankId: 'bank-1',
      reason: 'malformed_response',
      problem: 'body is not JSON',
    });
    expect(bank.requests).toHaveLength(1);
  });

  it('refuses a body that does not match the schema, naming the field', async () => {
    bank = await FakeBank.scripted({ json: { ok: 'yes' } });
    const error = await failure(client(new FakeTiming()).request(get(bank.url), okBody));
    expect(error.details).toMatchObject({
      reason: 'malformed_response',
      problem: 'body does not match the spec',
    });
    expect((error.details['issues'] as string[])[0]).toMatch(/^ok: /);
  });

  it('refuses a body larger than the cap', async () => {
    bank = await FakeBank.scripted({ raw: JSON.stringify({ ok: true, pad: 'x'.repeat(5000) }) });
    const error = await failure(
      client(new FakeTiming(), { maxBodyBytes: 1000 }).request(get(bank.url), okBody),
    );
    expect(error.details).toMatchObject({
      reason: 'malformed_response',
      problem: 'response body too large',
    });
  });

  it('never puts the access token in an error', async () => {
    const token = 'secret-access-token-123';
    bank = await FakeBank.start((req) => ({
      status: 401,
      json: {
        Errors: [
          {
            ErrorCode: 'UK.OBIE.Unauthorised',
            Message: `bad token ${String(req.headers.authorization)}`,
          },
        ],
      },
    }));
    const error = await failure(
      client(new FakeTiming()).request(get(bank.url, { authorization: `Bearer ${token}` }), okBody),
    );
    expect(error.details).toMatchObject({ reason: 'consent_invalid', status: 401 });
    expect(JSON.stringify({ m: error.message, d: error.details, s: error.stack })).not.toContain(
      token,
    );
  });
});
