import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

type Answer = (r: Received, res: ServerResponse) => void;

/**
 * A client app's webhook receiver on loopback: records every request and answers as the
 * test says per path (default 204). `waitFor` resolves once enough requests arrived.
 */
export async function startReceiver() {
  const received: Received[] = [];
  const answers = new Map<string, Answer>();
  const waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      received.push(r);
      waiters.splice(0).forEach((w) => w());
      const answer = answers.get(r.path);
      if (answer) answer(r, res);
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    at: (path: string) => received.filter((r) => r.path === path),
    answer(path: string, answer: Answer) {
      answers.set(path, answer);
    },
    /** Resolves when `test` holds over what arrived; fails after `timeoutMs`. */
    async waitFor(test: () => boolean, timeoutMs = 5_000): Promise<void> {
      const until = Date.now() + timeoutMs;
      while (!test()) {
        if (Date.now() > until) throw new Error('the receiver waited in vain');
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Polls `read` until `test` holds (the store side of a wait). */
export async function eventually<T>(
  read: () => Promise<T>,
  test: (v: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (test(v)) return v;
    if (Date.now() > until) throw new Error(`still not there: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
