import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * Many requests in flight at once. Hive's HTTP executor hands every subgraph fetch the same
 * long-lived signal (its own, aborted when the gateway stops), and each fetch's response
 * stream listens on it until read: more than 10 fetches in flight to one subgraph made Node
 * print "Possible EventTarget memory leak detected" under ordinary load (seen in the soak
 * bench), though nothing leaked. The gateway raises that signal's limit to what its
 * concurrency cap allows, so the warning keeps meaning a leak.
 */
describe('many requests in flight through the gateway', () => {
  let t: TestSystem;
  beforeAll(async () => {
    // The rate limit is not what is tested: 120 requests from one client in a second.
    t = await startTestSystem({ RATE_LIMIT_BURST: '1000' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('are all answered, with no listener warning', async () => {
    const token = await t.testIdp.psuToken('alice');
    const warnings: Error[] = [];
    const onWarning = (w: Error) => {
      if (w.name === 'MaxListenersExceededWarning') warnings.push(w);
    };
    process.on('warning', onWarning);
    try {
      for (let round = 0; round < 3; round++) {
        const answers = await Promise.all(
          Array.from({ length: 40 }, () =>
            t.execute<{ accounts: unknown[] }>(token, '{ accounts { id nickname } }'),
          ),
        );
        for (const a of answers) expect(a.errors, JSON.stringify(a.errors)).toBeUndefined();
      }
      // Warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.message)).toEqual([]);
  });
});
