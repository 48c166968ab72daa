import { randomUUID } from 'node:crypto';
import type { Reply } from '../http.js';
import type { ObieDialect, ObieErrorCode } from './dialect.js';

export interface ObieErrorDetail {
  code: ObieErrorCode;
  message: string;
  path?: string;
}

const highLevelCodes: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

/**
 * OBErrorResponse1, the body of an OBIE error, for the statuses the spec gives a body: 400,
 * 403, 409 and 500. Its 401, 404, 405, 406, 415 and 429 answers have none, so none is sent.
 */
export function obieError(
  dialect: ObieDialect,
  status: number,
  detail: ObieErrorDetail,
  headers?: Readonly<Record<string, string>>,
): Reply {
  if (!withBody(status)) return { status, headers };
  const error: Record<string, string> = {
    ErrorCode: dialect.errorCode(detail.code),
    Message: detail.message,
  };
  if (detail.path !== undefined) error.Path = detail.path;
  return {
    status,
    headers,
    body: {
      Code: highLevelCodes[status] ?? `Http${status}`,
      Id: randomUUID(),
      Message: detail.message,
      Errors: [error],
    },
  };
}

function withBody(status: number): boolean {
  return status === 400 || status === 403 || status === 409 || status >= 500;
}

/** The code a bank would pick for a bare status (unknown routes, injected faults). */
export function defaultCodeFor(status: number): ObieErrorCode {
  if (status === 401) return 'Header.Invalid';
  if (status === 403) return 'Resource.InvalidConsentStatus';
  if (status === 404) return 'Resource.NotFound';
  if (status >= 500) return 'UnexpectedError';
  return 'Field.Invalid';
}
