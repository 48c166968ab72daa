import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * A caller that hangs up while the gateway checks its token: the request's 'close' has been
 * by the time the gateway reads the operation. The read must give up then, not wait for an
 * end that never comes: a handler left waiting holds its request for ever, and a stopping
 * gateway waits out its whole grace period (3 s) for it before it cuts it.
 */
describe('a caller that hangs up before its operation is read', () => {
  let t: TestSystem;
  let stopped = false;
  beforeAll(async () => {
    t = await startTestSystem();
  });
  afterAll(async () => {
    if (!stopped) await t?.stop();
  });

  it('leaves nothing running: the gateway stops at once', async () => {
    const token = await t.testIdp.psuToken('alice');
    const { host, port } = new URL(t.url);
    const body = JSON.stringify({ query: '{ accounts { id } }' });
    const request =
      `POST /graphql HTTP/1.1\r\nhost: ${host}\r\nauthorization: Bearer ${token}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    for (let i = 0; i < 5; i++) {
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise<void>((r) => socket.once('connect', () => r()));
      // Sent whole, then gone before any answer.
      socket.end(request);
      socket.destroy();
    }
    // The requests reach the operation read after their token checks.
    await new Promise((r) => setTimeout(r, 500));
    // An answered request still works: the gateway is not wedged.
    const res = await t.execute<{ accounts: unknown[] }>(token, '{ accounts { id } }');
    expect(res.errors).toBeUndefined();

    const started = performance.now();
    stopped = true;
    await t.stop();
    // Tens of milliseconds when nothing is left; a handler left waiting holds it the whole 3 s
    // grace. The margin is for a loaded CI machine.
    expect(performance.now() - started).toBeLessThan(2_500);
  });
});
