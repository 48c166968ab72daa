import type { ServerResponse } from 'node:http';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { formatError } from '../shared/errors/format.ts';
import { AppError, ErrorCode } from '../shared/errors/index.ts';
import { sendGraphQLError } from '../shared/http/graphql-handler.ts';
import { graphqlErrors } from './metrics.ts';

const tooManyTokens = /Document contains more th(?:an|at) (\d+) tokens/;

/**
 * The shared formatError, plus the gateway's own refusals: limit errors carry their AppError
 * as originalError (Apollo relabels validation errors), and graphql's parser reports
 * maxTokens as a syntax error, which is a limit to the client, not a typo.
 */
export function gatewayFormatError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? error.originalError : undefined;
  if (original instanceof AppError) {
    const { http: _http, ...details } = original.details;
    return {
      message: original.message,
      locations: formatted.locations,
      extensions: { code: original.code, ...details },
    };
  }
  const tokens =
    formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED'
      ? tooManyTokens.exec(formatted.message)
      : null;
  if (tokens) {
    return {
      message: `The document has more than ${tokens[1]} tokens`,
      extensions: { code: ErrorCode.BAD_USER_INPUT, limit: 'tokens', max: Number(tokens[1]) },
    };
  }
  return formatError(formatted, error);
}

/** A refusal before Apollo runs (auth, rate, capacity): counted, with Retry-After when due. */
export function refuse(
  res: ServerResponse,
  error: AppError,
  headers: Record<string, string> = {},
): void {
  graphqlErrors.inc({ code: error.code });
  const retry = error.details.retryAfterSeconds;
  sendGraphQLError(res, error, {
    ...(typeof retry === 'number' ? { 'retry-after': String(retry) } : {}),
    ...headers,
  });
}
