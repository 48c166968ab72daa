import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createRouter, listen } from '../../src/shared/http/server.ts';

/** A request whose client hangs up as soon as the handler has started. */
function hangUpAfterStart(url: string, started: Promise<void>): Promise<void> {
  return new Promise((done) => {
    const req = request(`${url}/slow`, { method: 'POST' });
    req.on('error', () => done());
    req.end('{}');
    void started.then(() => {
      req.destroy();
      done();
    });
  });
}

describe('a stopping server and the handlers still running', () => {
  it('waits for a handler whose client hung up before it resolves', async () => {
    let started!: () => void;
    const handlerStarted = new Promise<void>((r) => (started = r));
    let finish!: () => void;
    const events: string[] = [];
    const server = await listen(
      createRouter({
        'POST /slow': async (_req, res) => {
          started();
          await new Promise<void>((r) => (finish = r));
          // What a service does last, e.g. its store write: after this, close may resolve.
          events.push('handler done');
          res.end();
        },
      }),
      0,
      '127.0.0.1',
    );
    await hangUpAfterStart(server.url, handlerStarted);
    const closing = server.close().then(() => events.push('closed'));
    await new Promise((r) => setTimeout(r, 200));
    expect(events).toEqual([]);
    finish();
    await closing;
    expect(events).toEqual(['handler done', 'closed']);
  });

  it('gives up on a handler that never ends after the grace period', async () => {
    const server = await listen(
      createRouter({ 'POST /slow': () => new Promise<void>(() => undefined) }),
      0,
      '127.0.0.1',
    );
    let started!: () => void;
    const handlerStarted = new Promise<void>((r) => (started = r));
    // The route never resolves; a request reaching it is enough.
    setTimeout(() => started(), 100);
    await hangUpAfterStart(server.url, handlerStarted);
    const t = Date.now();
    await server.close();
    expect(Date.now() - t).toBeGreaterThanOrEqual(2_900);
    expect(Date.now() - t).toBeLessThan(5_000);
  });
});
