import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors/index.ts';
import { readBody } from '../../src/shared/http/graphql-handler.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/**
 * A server that reads each body with `readBody` and hands the outcome to the test; `before`
 * runs first, as the gateway authenticates a caller before it reads the operation.
 */
async function serve(
  limit: number,
  before: (req: IncomingMessage) => Promise<void> = async () => {},
) {
  let settle!: (v: string | unknown) => void;
  const outcome = new Promise((r) => (settle = r));
  server = createServer((req, res) => {
    before(req)
      .then(() => readBody(req, limit))
      .then(
        (body) => {
          settle(body);
          res.end('ok');
        },
        (error: unknown) => {
          settle(error);
          res.end();
        },
      );
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, outcome };
}

describe('readBody', () => {
  it('gives the whole body of a completed request', async () => {
    const { port, outcome } = await serve(1024);
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'hello' });
    expect(await res.text()).toBe('ok');
    expect(await outcome).toBe('hello');
  });

  it('refuses, as a client error, a body the client abandoned mid-way', async () => {
    const { port, outcome } = await serve(1024);
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write('POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\nonly part');
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    const error = await outcome;
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_USER_INPUT');
  });

  it('refuses, at once, a body whose client went away before the read began', async () => {
    // The whole request arrived, then the client hung up while the server was still busy
    // with something else: the request's 'close' has come and gone before readBody listens.
    const { port, outcome } = await serve(1024, (req) =>
      req.destroyed ? Promise.resolve() : new Promise((r) => req.once('close', () => r())),
    );
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.end('POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\nhello');
    socket.destroy();
    const hung = new Promise((r) => setTimeout(() => r('still waiting after 2 s'), 2_000));
    const error = await Promise.race([outcome, hung]);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_USER_INPUT');
  });
});
