import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { CallLog } from './calls.js';
import type { FaultController } from './faults.js';
import { header, readBody, type ApiRequest, type Reply, type Router } from './http.js';
import type { StandardApi } from './standard.js';
import type { BankState } from './state.js';

export interface ServerParts {
  api: StandardApi;
  admin: Router;
  /** The PSU's pages (authorize, login, approval) and TPP registration. */
  login: Router;
  faults: FaultController;
  calls: CallLog;
  state: BankState;
}

export interface RunningServer {
  server: Server;
  /** Stops listening, drops open and hanging connections, cancels pending latency. */
  close(): Promise<void>;
}

export function createBankServer(parts: ServerParts): RunningServer {
  const timers = new Set<NodeJS.Timeout>();
  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const server = createServer((req, res) => {
    handle(parts, req, res, delay).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });

  // Idempotent: the system and a test or benchmark may both close the same bank.
  let closing: Promise<void> | undefined;
  return {
    server,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      })),
  };
}

async function handle(
  parts: ServerParts,
  req: IncomingMessage,
  res: ServerResponse,
  delay: (ms: number) => Promise<void>,
): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const request: ApiRequest = {
    method,
    url,
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    rawBody: '',
    params: {},
  };
  try {
    request.rawBody = await readBody(req);
  } catch {
    // Even a body too large to read gets its request id (X-Request-ID) back; the rest of it
    // is still on the socket, so the connection cannot carry another request.
    const named = url.pathname.startsWith('/__sandbox/') ? {} : parts.api.responseHeaders(request);
    res.writeHead(413, { ...named, Connection: 'close' }).end();
    return;
  }

  if (url.pathname.startsWith('/__sandbox/')) {
    const reply = route(parts, parts.admin, request, (status) => ({
      status,
      body: { error: missMessages[status] },
    }));
    send(res, reply, 'application/json; charset=utf-8', {}, false);
    return;
  }

  if (isLoginPath(url.pathname)) {
    const reply = route(parts, parts.login, request, (status) => ({
      status,
      headers: { 'Cache-Control': 'no-store' },
      body: { error: missMessages[status] },
    }));
    send(res, reply, 'application/json; charset=utf-8', {}, false);
    return;
  }

  const { api, faults } = parts;
  parts.calls.record(method, url.pathname, header(request, 'traceparent'));
  const decision = faults.decide();
  if (decision.kind === 'hang') return; // the socket stays open until the client gives up or close()
  if (faults.latencyMs > 0) await delay(faults.latencyMs);
  const correlation = api.responseHeaders(request);
  let reply: Reply;
  let malformed = false;
  switch (decision.kind) {
    case 'canned': {
      const { status, body, headers } = decision.answer;
      reply =
        body === undefined && status >= 400
          ? api.errorReply(status, 'Injected failure', headers)
          : { status, body, headers };
      break;
    }
    case 'rate-limited':
      reply = api.errorReply(429, 'Too many requests', {
        'Retry-After': String(decision.retryAfterSeconds),
      });
      break;
    case 'server-error':
      reply = api.errorReply(500, 'Injected internal error');
      break;
    case 'pass':
      reply = route(parts, api.router, request, (status) =>
        api.errorReply(status, missMessages[status]),
      );
      malformed = faults.malformed;
      break;
  }
  send(res, reply, api.contentType, correlation, malformed);
}

function isLoginPath(path: string): boolean {
  return path === '/authorize' || path === '/register' || path.startsWith('/login/');
}

const missMessages = {
  404: 'Resource not found',
  405: 'Method not allowed',
  500: 'Internal error',
} as const;

function route(
  parts: ServerParts,
  router: Router,
  request: ApiRequest,
  miss: (status: 404 | 405 | 500) => Reply,
): Reply {
  const match = router.match(request.method, request.path);
  if (match.kind === 'not-found') return miss(404);
  if (match.kind === 'method-not-allowed') return miss(405);
  try {
    // A handler that throws halfway leaves the bank's state as it was before the request.
    return parts.state.atomically(() => match.handler({ ...request, params: match.params }));
  } catch {
    return miss(500);
  }
}

function send(
  res: ServerResponse,
  reply: Reply,
  contentType: string,
  correlation: Record<string, string>,
  malformed: boolean,
): void {
  if (res.destroyed) return;
  let text =
    reply.body === undefined
      ? ''
      : typeof reply.body === 'string'
        ? reply.body
        : JSON.stringify(reply.body);
  let status = reply.status;
  if (malformed) {
    // Valid-looking start, cut mid-document: parsers fail, naive prefix checks pass.
    status = 200;
    text = text.length > 2 ? text.slice(0, Math.ceil(text.length / 2)) : '{"Data":';
  }
  const headers: Record<string, string | number> = { ...correlation, ...reply.headers };
  const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  if (text !== '' && !hasType) headers['Content-Type'] = contentType;
  // RFC 9110 §8.6: no Content-Length on 204 (or 1xx/304) answers.
  if (status !== 204 && status !== 304 && status >= 200) {
    headers['Content-Length'] = Buffer.byteLength(text);
  }
  res.writeHead(status, headers);
  res.end(text);
}
