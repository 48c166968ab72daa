import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** Serialized as JSON unless `raw` is given. */
  json?: unknown;
  raw?: string;
  /** Never answer (until the server closes). */
  hang?: boolean;
  /** Send the status, headers and the first bytes of the body, then stall. */
  stallBody?: boolean;
}

export type Handler = (request: RecordedRequest, bank: FakeBank) => Reply | Promise<Reply>;

/** A tiny real HTTP bank on 127.0.0.1 whose answers each test scripts. */
export class FakeBank {
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;
  private origin = '';

  private constructor(handler: Handler) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(recorded);
        const respond = (reply: Reply): void => {
          if (reply.hang) return;
          const body = reply.raw ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
          res.writeHead(reply.status ?? 200, {
            'content-type': 'application/json',
            ...reply.headers,
          });
          if (reply.stallBody) res.write(body.slice(0, 1));
          else res.end(body);
        };
        void Promise.resolve(handler(recorded, this)).then(respond, () => respond({ status: 599 }));
      });
    });
  }

  /** The bank's origin, e.g. http://127.0.0.1:41234. */
  get url(): string {
    return this.origin;
  }

  static async start(handler: Handler): Promise<FakeBank> {
    const bank = new FakeBank(handler);
    await new Promise<void>((resolve) => bank.server.listen(0, '127.0.0.1', resolve));
    const { port } = bank.server.address() as AddressInfo;
    bank.origin = `http://127.0.0.1:${port}`;
    return bank;
  }

  /** Answers in order; the last answer repeats. */
  static async scripted(...replies: Reply[]): Promise<FakeBank> {
    let i = 0;
    return FakeBank.start(() => replies[Math.min(i++, replies.length - 1)]!);
  }

  count(pathPrefix = '/'): number {
    return this.requests.filter((r) => r.url.startsWith(pathPrefix)).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Injected time: a clock tests move by hand and a sleep that only records what was asked. */
export class FakeTiming {
  nowMs = Date.parse('2025-03-10T12:00:00Z');
  readonly sleeps: number[] = [];

  readonly now = (): number => this.nowMs;
  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.nowMs += ms;
  };
  readonly random = (): number => 0.5;

  advance(ms: number): void {
    this.nowMs += ms;
  }
}
