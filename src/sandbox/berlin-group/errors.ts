import type { Reply } from '../http.js';

/** Codes from the NextGenPSD2 implementation guidelines, by HTTP status. */
export type BgMessageCode =
  | 'FORMAT_ERROR'
  | 'PARAMETER_NOT_SUPPORTED'
  | 'PERIOD_INVALID'
  | 'CONSENT_UNKNOWN'
  | 'CONSENT_INVALID'
  | 'CONSENT_EXPIRED'
  | 'TOKEN_INVALID'
  | 'RESOURCE_UNKNOWN'
  | 'PRODUCT_UNKNOWN'
  | 'SERVICE_INVALID'
  | 'SERVICE_BLOCKED'
  | 'ACCESS_EXCEEDED'
  | 'REQUESTED_FORMATS_INVALID'
  | 'STATUS_INVALID'
  | 'INTERNAL_SERVER_ERROR'
  | 'SERVICE_UNAVAILABLE'
  // Not a Berlin Group code: generic throttling, so clients can tell it from the daily
  // frequencyPerDay limit (ACCESS_EXCEEDED), which must not be retried.
  | 'TOO_MANY_REQUESTS';

export function bgError(
  status: number,
  code: BgMessageCode,
  text: string,
  options: { path?: string; headers?: Readonly<Record<string, string>> } = {},
): Reply {
  const message: Record<string, string> = { category: 'ERROR', code, text };
  if (options.path !== undefined) message.path = options.path;
  return { status, headers: options.headers, body: { tppMessages: [message] } };
}

export function defaultCodeFor(status: number): BgMessageCode {
  if (status === 401) return 'CONSENT_INVALID';
  if (status === 403) return 'SERVICE_BLOCKED';
  if (status === 404) return 'RESOURCE_UNKNOWN';
  if (status === 405) return 'SERVICE_INVALID';
  if (status === 409) return 'STATUS_INVALID';
  if (status === 429) return 'TOO_MANY_REQUESTS';
  if (status === 503) return 'SERVICE_UNAVAILABLE';
  if (status >= 500) return 'INTERNAL_SERVER_ERROR';
  return 'FORMAT_ERROR';
}
