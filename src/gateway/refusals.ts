import { AppError, ErrorCode } from '../shared/errors/index.ts';
import type { Logger } from '../shared/log/index.ts';
import { refusals } from './metrics.ts';
import type { RequestInfo } from './request.ts';

/**
 * Why the gateway turned a request away: no bearer token (missingToken), a token that does
 * not verify (invalidToken), two Authorization headers, the client's rate, the gateway's
 * capacity, or a limit on the body or the document (the limit's own name: depth, aliases,
 * cost, tokens, inputDepth, introspection, bodySize).
 */
export interface Refusal {
  reason: string;
  code: string;
  /** The refusal's message where it adds to the reason: generic for tokens, never theirs. */
  detail?: string;
}

/** The reason to record for an error the gateway answers with, if it is a refusal. */
export function refusalReason(error: AppError): string | undefined {
  if (typeof error.details.limit === 'string') return error.details.limit;
  if (error.code === ErrorCode.UNAUTHENTICATED) return 'invalidToken';
  if (error.details.reason === 'authorizationHeader') return 'authorizationHeader';
  if (error.code === ErrorCode.RATE_LIMITED)
    return error.details.reason === 'overloaded' ? 'capacity' : 'rateLimit';
  return undefined;
}

/** Notes a refusal on the request (the first one counts); recorded when the answer is sent. */
export function markRefused(
  info: RequestInfo | undefined,
  error: AppError,
  reason = refusalReason(error),
): void {
  if (!info || info.refusal || !reason) return;
  info.refusal = { reason, code: error.code, detail: error.message };
}

/** A request with no bearer token at all: the reason says everything. */
export function markMissingToken(info: RequestInfo): void {
  info.refusal ??= { reason: 'missingToken', code: ErrorCode.UNAUTHENTICATED };
}

/**
 * The security record of a refused request: a warn line with the reason, client (when the
 * token was good), peer address and request id, and the refusals counter by reason
 * (docs/DECISIONS.md, "Refused requests"). Never a header or token.
 */
export function recordRefusal(log: Logger, info: RequestInfo, route: string, status: string): void {
  const refusal = info.refusal;
  if (!refusal) return;
  refusals.inc({ reason: refusal.reason });
  log.warn('request refused', {
    event: 'security.refusal',
    reason: refusal.reason,
    code: refusal.code,
    detail: refusal.detail,
    status,
    route,
    requestId: info.id,
    clientId: info.clientId,
    remoteAddress: info.remoteAddress,
  });
}
