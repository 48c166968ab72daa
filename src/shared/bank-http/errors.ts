import { AppError, ErrorCode } from '../errors/index.js';

/** The open-banking standards a bank speaks. */
export type BankStandard = 'obie' | 'berlin-group';

/**
 * Why a bank call failed, as found in AppError details.reason. Every error carries bankId;
 * none carries a token, a URL with query parameters, or account data.
 *
 * UPSTREAM_UNAVAILABLE:
 * - timeout, network_error: no usable answer within the attempts allowed
 * - bank_error: 5xx after the attempts allowed
 * - bank_rejected_request: other 4xx (details.status, details.bankErrorCodes)
 * - consent_invalid: 401/403, the PSU must re-authorise (or OBIE: refresh the token)
 * - consent_not_authorised: the consent is not (or no longer) usable
 * - circuit_open: the breaker for this bank endpoint is open; we did not call
 * - malformed_response: not JSON, not the spec's shape, or paging that does not add up
 * - aborted: the caller's signal fired
 * RATE_LIMITED:
 * - rate_limited: 429 still there after the attempts allowed, or Retry-After beyond our cap
 * - access_exceeded: Berlin Group daily frequencyPerDay used up; not retried until next day
 */
export type BankFailureReason =
  | 'timeout'
  | 'network_error'
  | 'bank_error'
  | 'bank_rejected_request'
  | 'consent_invalid'
  | 'consent_not_authorised'
  | 'circuit_open'
  | 'malformed_response'
  | 'aborted'
  | 'rate_limited'
  | 'access_exceeded';

export interface BankErrorDetails {
  bankId: string;
  reason: BankFailureReason;
  /** Method and path template, e.g. "GET /accounts/{AccountId}/transactions". */
  endpoint?: string;
  status?: number;
  bankErrorCodes?: string[];
  interactionId?: string;
  retryAfterSeconds?: number;
  problem?: string;
  issues?: string[];
}

export function bankUnavailable(message: string, details: BankErrorDetails): AppError {
  return new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, message, stripUndefined(details));
}

export function bankRateLimited(message: string, details: BankErrorDetails): AppError {
  return new AppError(ErrorCode.RATE_LIMITED, message, stripUndefined(details));
}

export function malformedResponse(
  bankId: string,
  endpoint: string,
  problem: string,
  issues?: string[],
): AppError {
  return bankUnavailable(`Bank ${bankId} sent a malformed response: ${problem}`, {
    bankId,
    reason: 'malformed_response',
    endpoint,
    problem,
    issues,
  });
}

function stripUndefined(details: BankErrorDetails): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined));
}
