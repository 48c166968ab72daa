import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AppError, ErrorCode } from '../shared/errors/index.ts';
import { causeOf } from '../shared/errors/log-masked.ts';
import type { Logger } from '../shared/log/index.ts';
import type { Route } from '../shared/http/server.ts';
import { traceServer } from '../shared/tracing/index.ts';
import { httpDuration, httpRequests } from './metrics.ts';
import { recordRefusal, type Refusal } from './refusals.ts';

/** What the gateway knows about one request, for headers, logs and metrics. */
export interface RequestInfo {
  id: string;
  clientId?: string;
  operationName?: string | null;
  /** The peer's address; X-Forwarded-For is not trusted (docs/DECISIONS.md). */
  remoteAddress?: string;
  refusal?: Refusal;
}

const interactionIdPattern = /^[A-Za-z0-9-]{1,64}$/;

/** The FAPI interaction id: echoed when the client sends a sane one, generated otherwise. */
export function interactionId(req: IncomingMessage): string {
  const sent = req.headers['x-fapi-interaction-id'];
  return typeof sent === 'string' && interactionIdPattern.test(sent) ? sent : randomUUID();
}

/**
 * Node keeps the first of several Authorization headers and drops the rest, so two tokens
 * (or a token and Basic credentials) would pass as one: refused, as RFC 6750 §3.1 asks of
 * "more than one method for including an access token".
 */
export function oneAuthorization(req: IncomingMessage): void {
  if ((req.headersDistinct.authorization?.length ?? 0) <= 1) return;
  throw new AppError(ErrorCode.BAD_USER_INPUT, 'Send at most one Authorization header', {
    reason: 'authorizationHeader',
  });
}

const infos = new WeakMap<IncomingMessage, RequestInfo>();

export function requestInfo(req: IncomingMessage): RequestInfo {
  let info = infos.get(req);
  if (!info) {
    info = { id: interactionId(req), remoteAddress: req.socket.remoteAddress };
    infos.set(req, info);
  }
  return info;
}

/**
 * Wraps a gateway route: the interaction id and Date go on the response before the handler
 * runs, so every answer carries them (errors, 401, 413, 429, 503 and 500 included); one log
 * line, the metrics and a refusal's security record are written when the response closes.
 * Routes that are not quiet run in a server span; a route that throws is logged with the
 * request id.
 */
export function instrument(path: string, route: Route, log: Logger, quiet = false): Route {
  return async (req, res, url) => {
    const started = performance.now();
    const info = requestInfo(req);
    res.setHeader('x-fapi-interaction-id', info.id);
    res.setHeader('date', new Date().toUTCString());
    res.once('close', () => {
      const seconds = (performance.now() - started) / 1000;
      const status = res.writableFinished ? String(res.statusCode) : 'aborted';
      httpRequests.inc({ route: path, method: req.method ?? '', status });
      httpDuration.observe({ route: path }, seconds);
      (quiet ? log.debug : log.info)('request', {
        requestId: info.id,
        method: req.method,
        route: path,
        status,
        durationMs: Math.round(seconds * 1000),
        clientId: info.clientId,
        operationName: info.operationName ?? undefined,
      });
      recordRefusal(log, info, path, status);
    });
    try {
      if (quiet) await route(req, res, url);
      else await traceServer('gateway', req, res, path, async () => route(req, res, url));
    } catch (error) {
      // The router answers a bare 500; the cause is found here by the request id.
      log.error('internal error masked from the client', {
        requestId: info.id,
        route: path,
        cause: causeOf(error),
      });
      throw error;
    }
  };
}
