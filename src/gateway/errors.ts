import type { ServerResponse } from 'node:http';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { formatError } from '../shared/errors/format.ts';
import { AppError } from '../shared/errors/index.ts';
import { sendGraphQLError } from '../shared/http/graphql-handler.ts';
import { graphqlErrors } from './metrics.ts';

/** graphql's "Did you mean …?" ending, in validation and variable coercion messages alike. */
const suggestion = / ?Did you mean(.+?)\?$/;

/**
 * The shared formatError, plus the gateway's own refusals: limit errors carry their AppError
 * as originalError (a validation rule can only report a GraphQLError). With
 * `hideSchemaDetails` (introspection off), suggestions are cut from every message,
 * validation and variables alike.
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
    const result = formatError(formatted, error);
    return o.hideSchemaDetails
      ? { ...result, message: result.message.replace(suggestion, '') }
      : result;
  };
}

/**
 * A refusal before the engine runs (auth, rate, capacity): counted, with Retry-After when due,
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
