import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxBank } from '../../src/sandbox/index.js';
import {
  bgConsent,
  bgHeaders,
  http,
  obieSession,
  postJson,
  startBank,
  TestClock,
  type ObieSession,
} from './helpers.js';

interface ErrorBody {
  Errors?: Array<{ ErrorCode: string }>;
  tppMessages?: Array<{ code: string }>;
}

describe('fault injection (OBIE bank)', () => {
  const clock = new TestClock();
  let bank: SandboxBank;
  let session: ObieSession;
  let accounts: string;

  beforeAll(async () => {
    bank = await startBank({ standard: 'obie', transactionsPerAccount: 50 }, clock);
    session = await obieSession(bank);
    accounts = `${session.base}/accounts`;
  });
  beforeEach(() => {
    bank.resetFaults();
    bank.resetCallCount();
  });
  afterAll(() => bank.close());

  const get = (): Promise<{ status: number; text: string; headers: Headers }> =>
    http(accounts, { headers: session.headers });

  it('latencyMs delays every answer', async () => {
    bank.setFaults({ latencyMs: 150 });
    const started = performance.now();
    expect((await get()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    bank.resetFaults();
    const quick = performance.now();
    await get();
    expect(performance.now() - quick).toBeLessThan(100);
  });

  it('errorRate fails that share of calls with 500, the same calls each time', async () => {
    const run = async (): Promise<number[]> => {
      bank.setFaults({ errorRate: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await get()).status);
      return statuses;
    };
    const first = await run();
    const failed = first.filter((s) => s === 500).length;
    expect(failed).toBeGreaterThan(8);
    expect(failed).toBeLessThan(32);
    expect(first.every((s) => s === 200 || s === 500)).toBe(true);
    expect(await run()).toEqual(first);
    bank.setFaults({ errorRate: 1 });
    const failure = await http<ErrorBody>(accounts, { headers: session.headers });
    expect(failure.body.Errors?.[0]?.ErrorCode).toBe('UK.OBIE.UnexpectedError');
  });

  it('rateLimit answers 429 with Retry-After once the budget is spent, then recovers', async () => {
    bank.setFaults({ rateLimit: { remaining: 2, retryAfterSeconds: 3 } });
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(200);
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    clock.advance(1000);
    expect((await get()).headers.get('retry-after')).toBe('2');
    clock.advance(2000);
    expect((await get()).status).toBe(200);
  });

  it('hang accepts the request and never answers', async () => {
    bank.setFaults({ hang: true });
    await expect(
      fetch(accounts, { headers: session.headers, signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    bank.resetFaults();
    expect((await get()).status).toBe(200);
  });

  it('malformed answers 200 with a body that is not JSON', async () => {
    bank.setFaults({ malformed: true });
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.text.startsWith('{')).toBe(true);
    expect(() => JSON.parse(res.text) as unknown).toThrow();
  });

  it('failNext answers the queued responses, in order, then behaves', async () => {
    bank.setFaults({
      failNext: [
        { status: 503 },
        { status: 200, body: { canned: true }, headers: { 'x-canned': 'yes' } },
      ],
    });
    const first = await http<ErrorBody>(accounts, { headers: session.headers });
    expect(first.status).toBe(503);
    expect(first.body.Errors?.[0]?.ErrorCode).toBe('UK.OBIE.UnexpectedError');
    const second = await http(accounts, { headers: session.headers });
    expect(second.body).toEqual({ canned: true });
    expect(second.headers.get('x-canned')).toBe('yes');
    expect((await get()).status).toBe(200);
  });

  it('callCount counts API calls by path prefix and method, not admin calls', async () => {
    await get();
    await get();
    await http(`${session.base}/balances`, { headers: session.headers });
    await http(`${bank.url}/__sandbox/faults`);
    expect(bank.callCount()).toBe(3);
    expect(bank.callCount({ pathPrefix: `${new URL(session.base).pathname}/accounts` })).toBe(2);
    expect(bank.callCount({ method: 'post' })).toBe(0);
    expect(bank.callCount({ method: 'GET', pathPrefix: '/open-banking' })).toBe(3);
    bank.resetCallCount();
    expect(bank.callCount()).toBe(0);
  });

  it('a bank closes promptly with requests still hanging', async () => {
    const doomed = await startBank({ standard: 'obie', transactionsPerAccount: 10 });
    doomed.setFaults({ hang: true });
    const pending = fetch(`${doomed.url}/open-banking/v3.1/aisp/accounts`).catch(
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await doomed.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('admin surface /__sandbox/', () => {
  let bank: SandboxBank;

  beforeAll(async () => {
    bank = await startBank({ standard: 'berlin-group', transactionsPerAccount: 50, latencyMs: 40 });
  });
  afterAll(() => bank.close());

  it('sets, reads and resets faults over HTTP; reset returns to the start-up faults', async () => {
    const set = await postJson(`${bank.url}/__sandbox/faults`, { errorRate: 1 });
    expect(set.status).toBe(200);
    const failed = await http<ErrorBody>(`${bank.url}/v1/accounts`, { headers: bgHeaders() });
    expect(failed.status).toBe(500);
    expect(failed.body.tppMessages?.[0]?.code).toBe('INTERNAL_SERVER_ERROR');
    await http(`${bank.url}/__sandbox/faults`, { method: 'DELETE' });
    const current = await http<{ latencyMs?: number; errorRate?: number }>(
      `${bank.url}/__sandbox/faults`,
    );
    expect(current.body).toMatchObject({ latencyMs: 40 });
    expect(current.body.errorRate).toBeUndefined();
  });

  it('refuses an invalid faults body', async () => {
    const res = await postJson(`${bank.url}/__sandbox/faults`, { errorRate: 3 });
    expect(res.status).toBe(400);
    expect((await postJson(`${bank.url}/__sandbox/faults`, { nonsense: true })).status).toBe(400);
  });

  it('reports call counts over HTTP', async () => {
    await http(`${bank.url}/__sandbox/calls`, { method: 'DELETE' });
    const consent = await bgConsent(bank);
    await http(`${bank.url}/v1/accounts`, { headers: bgHeaders({ 'Consent-ID': consent }) });
    const all = await http<{ count: number }>(`${bank.url}/__sandbox/calls`);
    expect(all.body.count).toBe(2);
    const accounts = await http<{ count: number }>(
      `${bank.url}/__sandbox/calls?pathPrefix=/v1/accounts&method=GET`,
    );
    expect(accounts.body.count).toBe(1);
  });

  it('Berlin Group 429 from rateLimit carries Retry-After and is not ACCESS_EXCEEDED', async () => {
    await postJson(`${bank.url}/__sandbox/faults`, {
      rateLimit: { remaining: 0, retryAfterSeconds: 30 },
    });
    const res = await http<ErrorBody>(`${bank.url}/v1/accounts`, { headers: bgHeaders() });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(res.body.tppMessages?.[0]?.code).toBe('TOO_MANY_REQUESTS');
    await http(`${bank.url}/__sandbox/faults`, { method: 'DELETE' });
  });

  it('describes the bank and its PSUs', async () => {
    const info = await http<{ id: string; standard: string }>(`${bank.url}/__sandbox/info`);
    expect(info.body).toMatchObject({ id: 'bg-bank', standard: 'berlin-group' });
    const psus = await http<Array<{ username: string; accounts: unknown[] }>>(
      `${bank.url}/__sandbox/psus`,
    );
    expect(psus.body.map((p) => p.username)).toEqual(['alice', 'bob', 'carol']);
    expect(psus.body.every((p) => p.accounts.length === 2)).toBe(true);
  });
});

describe('closing a bank', () => {
  it('is idempotent: a second close resolves instead of throwing', async () => {
    const { startSandboxBank } = await import('../../src/sandbox/index.ts');
    const bank = await startSandboxBank({
      id: 'close-twice',
      standard: 'obie',
      seed: 1,
      transactionsPerAccount: 1,
    });
    await bank.close();
    await expect(bank.close()).resolves.toBeUndefined();
  });
});
