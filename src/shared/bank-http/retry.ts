/** When and how long to wait before trying a bank call again. */

export interface RetryOptions {
  /** Attempts per logical call, 1 to 3 (SECURITY-CHECKS: at most 3). Default 3. */
  maxAttempts: number;
  /** First backoff step. Default 200 ms. */
  baseDelayMs: number;
  /** Backoff never grows beyond this. Default 2 000 ms. */
  maxDelayMs: number;
  /**
   * Longest Retry-After we are willing to sit out inside a request. A bank asking for more
   * gets a RATE_LIMITED error carrying its retryAfterSeconds instead. Default 10 000 ms.
   */
  maxRetryAfterMs: number;
}

export const defaultRetryOptions: RetryOptions = {
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 2_000,
  maxRetryAfterMs: 10_000,
};

export function validateRetryOptions(options: RetryOptions): RetryOptions {
  const problems: string[] = [];
  const { maxAttempts, baseDelayMs, maxDelayMs, maxRetryAfterMs } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 3) {
    problems.push('maxAttempts must be 1, 2 or 3');
  }
  if (!(baseDelayMs >= 0)) problems.push('baseDelayMs must be >= 0');
  if (!(maxDelayMs >= baseDelayMs)) problems.push('maxDelayMs must be >= baseDelayMs');
  if (!(maxRetryAfterMs >= 0)) problems.push('maxRetryAfterMs must be >= 0');
  if (problems.length > 0) throw new Error(`Invalid retry options: ${problems.join('; ')}`);
  return options;
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so a crowd of
 * clients spreads out while each still waits a predictable minimum.
 * @param failedAttempts how many attempts have failed so far (1 after the first)
 */
export function backoffDelayMs(
  failedAttempts: number,
  options: RetryOptions,
  random: () => number,
): number {
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (failedAttempts - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}

/** Retry-After as delta-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined if unreadable. */
export function parseRetryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** 501 and 505 say the bank will never do this, so trying again is pointless. */
export function isTransientStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501 && status !== 505);
}
