import { describe, expect, it } from 'vitest';
import { every } from '../../src/shared/every.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('every: the schedulers’ periodic runner', () => {
  it('never runs two ticks at once, and stop waits for the one in flight', async () => {
    let inFlight = 0;
    let most = 0;
    let finished = 0;
    const job = every(
      5,
      async () => {
        most = Math.max(most, ++inFlight);
        await sleep(40);
        inFlight--;
        finished++;
      },
      () => undefined,
    );
    await sleep(100);
    await job.stop();
    expect(most).toBe(1);
    expect(inFlight).toBe(0);
    expect(finished).toBeGreaterThanOrEqual(1);
    const after = finished;
    await sleep(30);
    expect(finished).toBe(after);
  });

  it('a failed tick is reported and the next one runs', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const job = every(
      5,
      async () => {
        calls++;
        if (calls === 1) throw new Error('bank down');
      },
      (e) => errors.push(e),
    );
    await sleep(60);
    await job.stop();
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('bank down');
    expect(calls).toBeGreaterThan(1);
  });
});
