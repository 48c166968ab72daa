import type { ServerResponse } from 'node:http';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { formatError } from '../shared/errors/format.ts';
import { AppError, ErrorCode } from '../shared/errors/index.ts';
import { sendGraphQLError } from '../shared/http/graphql-handler.ts';
import { graphqlErrors } from './metrics.ts';

const tooManyTokens = /Document contains more th(?:an|at) (\d+) tokens/;

/** graphql's parser reports maxTokens as a syntax error: a limit to the client, not a typo. */
export function tokenLimitError(formatted: GraphQLFormattedError): AppError | undefined {
  if (formatted.extensions?.code !== 'GRAPHQL_PARSE_FAILED') return undefined;
  const tokens = tooManyTokens.exec(formatted.message);
  if (!tokens) return undefined;
  return new AppError(ErrorCode.BAD_USER_INPUT, `The document has more than ${tokens[1]} tokens`, {
    limit: 'tokens',
    max: Number(tokens[1]),
  });
}

/** graphql's "Did you mean …?" ending, in validation and variable coercion messages alike. */
const suggestion = / ?Did you mean(.+?)\?$/;

/**
 * The shared formatError, plus the gateway's own refusals: limit errors carry their AppError
 * as originalError (Apollo relabels validation errors), and too many tokens is a limit.
 * With `hideSchemaDetails` (introspection off), suggestions are cut from every message:
 * Apollo's hideSchemaDetailsFromClientErrors covers validation only, not variables.
 */
export function gatewayFormatError(o: { hideSchemaDetails: boolean }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? error.originalError : undefined;
    if (original instanceof AppError) {
      const { http: _http, ...details } = original.details;
      return {
        message: original.message,
        locations: formatted.locations,
        extensions: { code: original.code, ...details },
      };
    }
    const tokens = tokenLimitError(formatted);
    if (tokens)
      return { message: tokens.message, extensions: { code: tokens.code, ...tokens.details } };
    const result = formatError(formatted, error);
    return o.hideSchemaDetails
      ? { ...result, message: result.message.replace(suggestion, '') }
      : result;
  };
}

/**
 * A refusal before Apollo runs (auth, rate, capacity): counted, with Retry-After when due,
 * as a GraphQL response in the media type the client's Accept header prefers.
 */
export function refuse(
  res: ServerResponse,
  error: AppError,
  headers: Record<string, string> = {},
  accept?: string,
): void {
  graphqlErrors.inc({ code: error.code });
  const retry = error.details.retryAfterSeconds;
  sendGraphQLError(
    res,
    error,
    { ...(typeof retry === 'number' ? { 'retry-after': String(retry) } : {}), ...headers },
    accept,
  );
}
