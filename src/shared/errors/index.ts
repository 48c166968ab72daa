import { GraphQLError } from 'graphql';

/**
 * The closed list of error codes a client can switch on. Anything else that escapes a
 * resolver is masked as INTERNAL_SERVER_ERROR without its message or stack.
 */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  RATE_LIMITED: 'RATE_LIMITED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const httpStatus: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UPSTREAM_UNAVAILABLE: 502,
  RATE_LIMITED: 429,
};

/** A domain error with a code from the closed list; safe to show to clients. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra, client-safe details (never secrets, tokens or stack traces). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** The code's status, unless the error names a more precise one (413, 503). */
  get httpStatus(): number {
    return typeof this.details.http === 'number' ? this.details.http : httpStatus[this.code];
  }

  toGraphQLError(): GraphQLError {
    return new GraphQLError(this.message, { extensions: { code: this.code, ...this.details } });
  }
}

export const unauthenticated = (message = 'A valid access token is required') =>
  new AppError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'Not allowed') => new AppError(ErrorCode.FORBIDDEN, message);
export const badInput = (message: string, details: Record<string, unknown> = {}) =>
  new AppError(ErrorCode.BAD_USER_INPUT, message, details);
export const notFound = (message: string) => new AppError(ErrorCode.NOT_FOUND, message);
export const conflict = (message: string, details: Record<string, unknown> = {}) =>
  new AppError(ErrorCode.CONFLICT, message, details);
export const upstreamUnavailable = (message: string, details: Record<string, unknown> = {}) =>
  new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, message, details);
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new AppError(ErrorCode.RATE_LIMITED, message, { retryAfterSeconds });

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
