import { randomUUID } from 'node:crypto';
import { SpanStatusCode } from '@opentelemetry/api';
import type { z } from 'zod';
import type { AppError } from '../errors/index.js';
import { traceClient, traceHeaders } from '../tracing/index.js';
import type { BankStandard } from './errors.js';
import { bankRateLimited, bankUnavailable, malformedResponse } from './errors.js';
import type { BankErrorDetails } from './errors.js';
import { BodyTooLargeError, bankErrorCodes, parseJson, readBodyText } from './body.js';
import { CircuitBreakers } from './circuit-breaker.js';
import type { BreakerPermit, CircuitBreakerOptions } from './circuit-breaker.js';
import {
  backoffDelayMs,
  defaultRetryOptions,
  isTransientStatus,
  parseRetryAfterMs,
  validateRetryOptions,
} from './retry.js';
import type { RetryOptions } from './retry.js';
import { realTiming } from './time.js';
import type { Timing } from './time.js';

export interface BankHttpClientOptions {
  bankId: string;
  /** Picks the correlation header: x-fapi-interaction-id (OBIE) or X-Request-ID (BG). */
  standard: BankStandard;
  /** Per attempt, headers and body included. Default 10 000 ms (opossum's timeout). */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  breaker?: Partial<CircuitBreakerOptions>;
  timing?: Partial<Timing>;
  /** Bodies beyond this are refused as malformed. Default 10 MiB. */
  maxBodyBytes?: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface BankRequest {
  method: HttpMethod;
  url: URL;
  /** Method and path template ("GET /accounts/{AccountId}"): the breaker key, and for errors. */
  endpoint: string;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  /** Sent as x-idempotency-key; makes a non-GET request safe to retry. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface BankResponse<T> {
  status: number;
  body: T;
  /** The bank's echo of our correlation id, or ours if it echoed none. */
  interactionId: string;
}

type AttemptOutcome =
  | { kind: 'response'; status: number; headers: Headers; text: string }
  | { kind: 'timeout' | 'network_error' | 'aborted' | 'too_large' };

/**
 * The one way connectors talk to banks: per-attempt timeout, bounded retries with backoff and
 * Retry-After, a circuit breaker per endpoint, zod-checked bodies, and AppErrors that carry
 * the bankId and never a token.
 */
export class BankHttpClient {
  readonly bankId: string;
  readonly breakers: CircuitBreakers;
  private readonly standard: BankStandard;
  private readonly timeoutMs: number;
  private readonly retry: RetryOptions;
  private readonly timing: Timing;
  private readonly maxBodyBytes: number;

  constructor(options: BankHttpClientOptions) {
    this.bankId = options.bankId;
    this.standard = options.standard;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    if (!(this.timeoutMs > 0)) throw new Error('timeoutMs must be > 0');
    this.retry = validateRetryOptions({ ...defaultRetryOptions, ...options.retry });
    this.timing = { ...realTiming, ...options.timing };
    this.maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
    this.breakers = new CircuitBreakers(options.breaker, this.timing.now);
  }

  async request<T>(request: BankRequest, schema: z.ZodType<T>): Promise<BankResponse<T>> {
    const correlationHeader = this.standard === 'obie' ? 'x-fapi-interaction-id' : 'X-Request-ID';
    // One id for the logical call, retries included, so the bank can tie the attempts together.
    const ourId = randomUUID();
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...request.headers,
      [correlationHeader]: ourId,
    };
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json; charset=utf-8';
      body = JSON.stringify(request.json);
    } else if (request.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(request.form).toString();
    }
    if (request.idempotencyKey !== undefined) headers['x-idempotency-key'] = request.idempotencyKey;
    const retryable = request.method === 'GET' || request.idempotencyKey !== undefined;
    const base = { bankId: this.bankId, endpoint: request.endpoint };

    for (let attempt = 1; ; attempt++) {
      const mayRetry = retryable && attempt < this.retry.maxAttempts;
      const permit = this.breakers.for(request.endpoint).tryAcquire();
      if (!permit) {
        throw bankUnavailable(`Bank ${this.bankId} is failing; not calling it for now`, {
          ...base,
          reason: 'circuit_open',
        });
      }
      const outcome = await this.tracedAttempt(request, headers, body, attempt);
      if (outcome.kind !== 'response') {
        const failure = this.failureOf(outcome.kind, permit, base);
        if (!mayRetry || outcome.kind === 'aborted' || outcome.kind === 'too_large') throw failure;
        await this.wait(backoffDelayMs(attempt, this.retry, this.timing.random), request, base);
        continue;
      }

      const { status } = outcome;
      const interactionId = outcome.headers.get(correlationHeader) ?? ourId;
      if (status >= 200 && status < 300) {
        const parsed = this.parse(outcome.text, schema, request.endpoint);
        if (!parsed.ok) {
          permit.fail();
          throw parsed.error;
        }
        permit.succeed();
        return { status, body: parsed.value, interactionId };
      }

      const retryAfterMs = this.judgeFailure(outcome, permit, mayRetry, {
        ...base,
        reason: 'bank_error',
        status,
        interactionId,
      });
      await this.wait(
        retryAfterMs ?? backoffDelayMs(attempt, this.retry, this.timing.random),
        request,
        base,
      );
    }
  }

  /**
   * Settles the permit for a non-2xx answer and either throws the error the caller sees or,
   * when another attempt is worth it, returns how long the bank asked us to wait (if it did).
   */
  private judgeFailure(
    outcome: { status: number; headers: Headers; text: string },
    permit: BreakerPermit,
    mayRetry: boolean,
    details: BankErrorDetails,
  ): number | undefined {
    const { status } = outcome;
    const json = parseJson(outcome.text);
    const codes = json.ok ? bankErrorCodes(json.value) : [];
    const withCodes: BankErrorDetails = {
      ...details,
      bankErrorCodes: codes.length > 0 ? codes : undefined,
    };
    if (status !== 429 && status < 500) {
      // The bank is healthy and refused us; retrying would not change its mind.
      permit.succeed();
      if (status === 401 || status === 403) {
        throw bankUnavailable(`Bank ${this.bankId} refused the consent or token (${status})`, {
          ...withCodes,
          reason: 'consent_invalid',
        });
      }
      throw bankUnavailable(`Bank ${this.bankId} rejected the request (${status})`, {
        ...withCodes,
        reason: 'bank_rejected_request',
      });
    }
    if (status === 429) {
      // Flow control, not ill health: it neither trips nor heals the breaker.
      permit.release();
      if (codes.includes('ACCESS_EXCEEDED')) throw this.accessExceeded(withCodes);
    } else {
      permit.fail();
    }
    const retryAfterMs = parseRetryAfterMs(outcome.headers.get('retry-after'), this.now());
    const retryAfterSeconds =
      retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000);
    const waitTooLong = (retryAfterMs ?? 0) > this.retry.maxRetryAfterMs;
    if (mayRetry && isTransientStatus(status) && !waitTooLong) return retryAfterMs;
    if (status === 429) {
      throw bankRateLimited(`Bank ${this.bankId} is rate limiting us`, {
        ...withCodes,
        reason: 'rate_limited',
        retryAfterSeconds,
      });
    }
    throw bankUnavailable(`Bank ${this.bankId} answered ${status}`, {
      ...withCodes,
      retryAfterSeconds,
    });
  }

  now(): number {
    return this.timing.now();
  }

  /** One HTTP exchange as a client span; the bank gets its traceparent. */
  private tracedAttempt(
    request: BankRequest,
    headers: Record<string, string>,
    body: string | undefined,
    attempt: number,
  ): Promise<AttemptOutcome> {
    const attributes = {
      'http.request.method': request.method,
      'url.template': request.endpoint.slice(request.endpoint.indexOf(' ') + 1),
      'server.address': request.url.hostname,
      'ledgergraph.bank.id': this.bankId,
      ...(attempt > 1 ? { 'http.request.resend_count': attempt - 1 } : {}),
    };
    return traceClient(request.endpoint, attributes, async (span) => {
      const outcome = await this.attempt(request, { ...headers, ...traceHeaders() }, body);
      if (outcome.kind === 'response') {
        span.setAttribute('http.response.status_code', outcome.status);
        if (outcome.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      } else {
        span.setAttribute('error.type', outcome.kind);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      return outcome;
    });
  }

  private async attempt(
    request: BankRequest,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<AttemptOutcome> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers,
        body,
        signal,
        redirect: 'error', // a redirect could carry our bearer token somewhere else
      });
      const text = await readBodyText(response, this.maxBodyBytes);
      return { kind: 'response', status: response.status, headers: response.headers, text };
    } catch (error) {
      if (request.signal?.aborted) return { kind: 'aborted' };
      if (timeout.aborted) return { kind: 'timeout' };
      if (error instanceof BodyTooLargeError) return { kind: 'too_large' };
      return { kind: 'network_error' };
    }
  }

  private failureOf(
    kind: 'timeout' | 'network_error' | 'aborted' | 'too_large',
    permit: BreakerPermit,
    base: { bankId: string; endpoint: string },
  ): AppError {
    switch (kind) {
      case 'aborted':
        permit.release();
        return bankUnavailable(`Call to bank ${this.bankId} was cancelled`, {
          ...base,
          reason: 'aborted',
        });
      case 'too_large':
        permit.fail();
        return malformedResponse(this.bankId, base.endpoint, 'response body too large');
      case 'timeout':
        permit.fail();
        return bankUnavailable(`Bank ${this.bankId} did not answer within ${this.timeoutMs} ms`, {
          ...base,
          reason: 'timeout',
        });
      case 'network_error':
        permit.fail();
        // The underlying error is dropped on purpose: its text can include the URL.
        return bankUnavailable(`Bank ${this.bankId} could not be reached`, {
          ...base,
          reason: 'network_error',
        });
    }
  }

  private parse<T>(
    text: string,
    schema: z.ZodType<T>,
    endpoint: string,
  ): { ok: true; value: T } | { ok: false; error: AppError } {
    const json = parseJson(text);
    if (!json.ok) {
      return { ok: false, error: malformedResponse(this.bankId, endpoint, 'body is not JSON') };
    }
    const result = schema.safeParse(json.value);
    if (result.success) return { ok: true, value: result.data };
    const issues = result.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
    return {
      ok: false,
      error: malformedResponse(this.bankId, endpoint, 'body does not match the spec', issues),
    };
  }

  /** Daily quota gone: waiting minutes will not help, so tell the caller to come back tomorrow. */
  private accessExceeded(details: BankErrorDetails): AppError {
    const now = new Date(this.now());
    const nextUtcMidnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    return bankRateLimited(`Bank ${this.bankId}: daily access limit for this consent used up`, {
      ...details,
      reason: 'access_exceeded',
      retryAfterSeconds: Math.ceil((nextUtcMidnight - now.getTime()) / 1000),
    });
  }

  private async wait(
    ms: number,
    request: BankRequest,
    base: { bankId: string; endpoint: string },
  ): Promise<void> {
    try {
      await this.timing.sleep(ms, request.signal);
    } catch {
      throw bankUnavailable(`Call to bank ${this.bankId} was cancelled`, {
        ...base,
        reason: 'aborted',
      });
    }
  }
}
