import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../../src/shared/errors/index.js';
import { BankHttpClient } from '../../../src/shared/bank-http/client.js';
import { CircuitBreakers } from '../../../src/shared/bank-http/circuit-breaker.js';
import { FakeBank, FakeTiming } from './support/fake-bank.js';

const okBody = z.object({ ok: z.literal(true) });

let bank: FakeBank | undefined;
afterEach(async () => {
  await bank?.close();
  bank = undefined;
});

/** Healthy or not, switchable mid-test. */
async function switchableBank(): Promise<{ bank: FakeBank; setStatus: (s: number) => void }> {
  let status = 500;
  const started = await FakeBank.start(() => ({
    status,
    json: status === 200 ? { ok: true } : {},
  }));
  return { bank: started, setStatus: (s) => (status = s) };
}

function client(timing: FakeTiming): BankHttpClient {
  return new BankHttpClient({
    bankId: 'bank-1',
    standard: 'obie',
    timing,
    // One attempt per call, so every call is one breaker outcome.
    retry: { maxAttempts: 1 },
    breaker: { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeoutMs: 30_000 },
  });
}

async function call(c: BankHttpClient, url: string, path = '/accounts'): Promise<AppError | 'ok'> {
  try {
    await c.request({ method: 'GET', url: new URL(path, url), endpoint: `GET ${path}` }, okBody);
    return 'ok';
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

function reasonOf(result: AppError | 'ok'): unknown {
  return result === 'ok' ? 'ok' : result.details['reason'];
}

describe('circuit breaker per bank endpoint', () => {
  it('stays closed below the volume threshold, then opens and fails fast', async () => {
    const s = await switchableBank();
    bank = s.bank;
    const timing = new FakeTiming();
    const c = client(timing);
    for (let i = 0; i < 3; i++) expect(reasonOf(await call(c, bank.url))).toBe('bank_error');
    expect(c.breakers.stateOf('GET /accounts')).toBe('closed');
    expect(reasonOf(await call(c, bank.url))).toBe('bank_error');
    expect(c.breakers.stateOf('GET /accounts')).toBe('open');

    const fast = await call(c, bank.url);
    expect(fast).toBeInstanceOf(AppError);
    expect((fast as AppError).code).toBe('UPSTREAM_UNAVAILABLE');
    expect((fast as AppError).details).toEqual({
      bankId: 'bank-1',
      endpoint: 'GET /accounts',
      reason: 'circuit_open',
    });
    expect(bank.requests).toHaveLength(4); // the fifth call never reached the bank
  });

  it('half-opens after the reset timeout and closes when the trial succeeds', async () => {
    const s = await switchableBank();
    bank = s.bank;
    const timing = new FakeTiming();
    const c = client(timing);
    for (let i = 0; i < 4; i++) await call(c, bank.url);
    expect(c.breakers.stateOf('GET /accounts')).toBe('open');

    timing.advance(29_999);
    expect(reasonOf(await call(c, bank.url))).toBe('circuit_open');
    timing.advance(1);
    expect(c.breakers.stateOf('GET /accounts')).toBe('half-open');

    s.setStatus(200);
    expect(await call(c, bank.url)).toBe('ok');
    expect(c.breakers.stateOf('GET /accounts')).toBe('closed');
    expect(await call(c, bank.url)).toBe('ok');
    expect(bank.requests).toHaveLength(6);
  });

  it('re-opens when the half-open trial fails', async () => {
    const s = await switchableBank();
    bank = s.bank;
    const timing = new FakeTiming();
    const c = client(timing);
    for (let i = 0; i < 4; i++) await call(c, bank.url);
    timing.advance(30_000);
    expect(reasonOf(await call(c, bank.url))).toBe('bank_error');
    expect(c.breakers.stateOf('GET /accounts')).toBe('open');
    expect(reasonOf(await call(c, bank.url))).toBe('circuit_open');
    expect(bank.requests).toHaveLength(5);
  });

  it('lets exactly one trial through while half-open', async () => {
    const s = await switchableBank();
    bank = s.bank;
    const timing = new FakeTiming();
    const c = client(timing);
    for (let i = 0; i < 4; i++) await call(c, bank.url);
    timing.advance(30_000);
    s.setStatus(200);
    const [first, second] = await Promise.all([call(c, bank.url), call(c, bank.url)]);
    expect([first, reasonOf(second)]).toEqual(['ok', 'circuit_open']);
    expect(bank.requests).toHaveLength(5);
  });

  it('does not trip on 4xx answers: the bank is up, it refused us', async () => {
    const s = await switchableBank();
    bank = s.bank;
    s.setStatus(400);
    const c = client(new FakeTiming());
    for (let i = 0; i < 10; i++) {
      expect(reasonOf(await call(c, bank.url))).toBe('bank_rejected_request');
    }
    expect(c.breakers.stateOf('GET /accounts')).toBe('closed');
    expect(bank.requests).toHaveLength(10);
  });

  it('opens at 50% errors: 2 failures in 4 calls', async () => {
    const s = await switchableBank();
    bank = s.bank;
    const c = client(new FakeTiming());
    s.setStatus(200);
    await call(c, bank.url);
    await call(c, bank.url);
    s.setStatus(500);
    await call(c, bank.url);
    expect(c.breakers.stateOf('GET /accounts')).toBe('closed');
    await call(c, bank.url);
    expect(c.breakers.stateOf('GET /accounts')).toBe('open');
  });

  it('forgets failures older than the rolling window', async () => {
    const s = await switchableBank();
    bank = s.bank;
    const timing = new FakeTiming();
    const c = client(timing);
    for (let i = 0; i < 3; i++) await call(c, bank.url);
    timing.advance(10_000);
    await call(c, bank.url);
    expect(c.breakers.stateOf('GET /accounts')).toBe('closed');
  });

  it('keeps one breaker per endpoint: a failing one does not block the others', async () => {
    bank = await FakeBank.start((req) =>
      req.url.startsWith('/balances') ? { json: { ok: true } } : { status: 500 },
    );
    const c = client(new FakeTiming());
    for (let i = 0; i < 4; i++) await call(c, bank.url, '/accounts');
    expect(reasonOf(await call(c, bank.url, '/accounts'))).toBe('circuit_open');
    expect(await call(c, bank.url, '/balances')).toBe('ok');
  });

  it('counts timeouts as failures', async () => {
    bank = await FakeBank.scripted({ hang: true });
    const c = new BankHttpClient({
      bankId: 'bank-1',
      standard: 'obie',
      timing: new FakeTiming(),
      timeoutMs: 50,
      retry: { maxAttempts: 1 },
      breaker: { volumeThreshold: 2 },
    });
    await call(c, bank.url);
    await call(c, bank.url);
    expect(reasonOf(await call(c, bank.url))).toBe('circuit_open');
  });

  it('does not trip on 429: rate limiting is flow control, not ill health', async () => {
    const s = await switchableBank();
    bank = s.bank;
    s.setStatus(429);
    const c = client(new FakeTiming());
    for (let i = 0; i < 6; i++) expect(reasonOf(await call(c, bank.url))).toBe('rate_limited');
    expect(c.breakers.stateOf('GET /accounts')).toBe('closed');
  });

  it('counts malformed 200 answers as failures: the bank is broken', async () => {
    bank = await FakeBank.scripted({ raw: 'not json' });
    const c = client(new FakeTiming());
    for (let i = 0; i < 4; i++)
      expect(reasonOf(await call(c, bank.url))).toBe('malformed_response');
    expect(reasonOf(await call(c, bank.url))).toBe('circuit_open');
  });

  it('refuses a volume threshold of 0', () => {
    expect(() => new CircuitBreakers({ volumeThreshold: 0 })).toThrow(/volumeThreshold/);
  });
});
