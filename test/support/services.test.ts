import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serviceAvailable, type Service } from './services.ts';

/** A loopback port with nothing listening: bound by the OS, then released. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const urlAt: Record<Service, (port: number) => string> = {
  postgres: (port) => `postgresql://postgres@127.0.0.1:${port}/test`,
  redis: (port) => `redis://127.0.0.1:${port}`,
  nats: (port) => `nats://127.0.0.1:${port}`,
};

describe('service availability for tests', () => {
  afterEach(() => vi.restoreAllMocks());

  for (const service of ['postgres', 'redis', 'nats'] as const) {
    it(`${service}: a silent port fails under CI instead of skipping`, async () => {
      const url = urlAt[service](await unusedPort());
      await expect(serviceAvailable(service, { url, ci: true })).rejects.toThrow(
        new RegExp(`CI=true and ${service} does not answer at ${url.replace(/[/.]/g, '\\$&')}`),
      );
    });

    it(`${service}: a silent port skips outside CI, and says so`, async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      const url = urlAt[service](await unusedPort());
      await expect(serviceAvailable(service, { url, ci: false })).resolves.toBe(false);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/SKIPPED/));
    });
  }

  it('a port held by another protocol does not count as the service', async () => {
    // Something that accepts and says nothing: neither a Redis PONG nor a NATS INFO greeting.
    const held = new Set<Socket>();
    const server = createServer((socket) => {
      held.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      await expect(serviceAvailable('nats', { url: urlAt.nats(port), ci: true })).rejects.toThrow(
        /does not answer/,
      );
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
