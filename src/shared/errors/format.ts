import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { AppError, ErrorCode } from './index.ts';

const ourCodes = new Set<string>(Object.values(ErrorCode));
/** Apollo's own codes for requests the client got wrong; safe and useful to show. */
const clientCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Apollo `formatError`: typed errors keep their code and details, client mistakes keep
 * Apollo's code, anything else becomes a bare INTERNAL_SERVER_ERROR (no message, no stack).
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: original.code, ...original.details },
    };
  }
  const code = String(formatted.extensions?.code ?? '');
  if (!isMasked(error, code)) {
    const { stacktrace: _s, exception: _e, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/**
 * Whether formatError hides this error behind a bare INTERNAL_SERVER_ERROR: the errors the
 * client learns nothing about, so the server must log them. `code` is the error's
 * `extensions.code` as Apollo reports it.
 */
export function isMasked(error: unknown, code: unknown): boolean {
  if (unwrapResolverError(error) instanceof AppError) return false;
  const c = String(code ?? '');
  return !ourCodes.has(c) && !clientCodes.has(c);
}
