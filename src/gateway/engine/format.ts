import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { isMasked } from '../../shared/errors/format.ts';
import { AppError, badInput } from '../../shared/errors/index.ts';
import { causeOf } from '../../shared/errors/log-masked.ts';
import type { Logger } from '../../shared/log/index.ts';
import { gatewayFormatError } from '../errors.ts';
import { refusalError } from '../limits/errors.ts';
import { markRefused } from '../refusals.ts';
import { parseFailed, validationFailed } from './limits.ts';
import { mergeWarnings } from '../../shared/errors/warnings.ts';
import { subgraphWarnings, type GatewayContext } from './subgraph-fetch.ts';

/** Codes of refusals made before execution: the request is wrong, 400. */
const badRequestCodes = new Set([parseFailed, validationFailed, 'BAD_USER_INPUT', 'BAD_REQUEST']);

export interface Answer {
  status: number;
  body: { errors?: GraphQLFormattedError[]; data?: unknown; extensions?: unknown };
}

/**
 * The engine's result as the client gets it: our formatError on every error (typed codes,
 * masking, no stack, no schema hints where introspection is off), masked causes logged with
 * the request id, limit refusals noted for the security record, and the HTTP status a GraphQL
 * over HTTP client expects: 200 once execution started, else the refusal's own status (400
 * for a document or variables the schema does not take).
 */
export function formatResult(o: { hideSchemaDetails: boolean; log: Logger }) {
  const format = gatewayFormatError({ hideSchemaDetails: o.hideSchemaDetails });
  return (result: ExecutionResult, context: GatewayContext, operationName?: unknown): Answer => {
    const executed = result.data !== undefined;
    let status = executed ? 200 : 0;
    const errors = result.errors?.map((raw) => {
      const error = labelled(raw, executed, operationName);
      const { http: _http, unexpected: _u, ...extensions } = error.extensions;
      const formatted = { ...error.toJSON(), extensions };
      const code = formatted.extensions?.code;
      const original = error.originalError;
      if (original instanceof AppError && typeof original.details.limit === 'string')
        markRefused(context.request, original);
      if (isMasked(error, code) && !fromSubgraph(error)) {
        o.log.error('internal error masked from the client', {
          requestId: context.request?.id ?? context.internal?.requestId,
          path: error.path?.join('.'),
          cause: causeOf(original ?? error),
        });
      }
      if (!executed) status = Math.max(status, statusOf(error, String(code ?? '')));
      return format(formatted, error);
    });
    const warnings = mergeWarnings(subgraphWarnings(context.internal));
    const extensions =
      warnings.length > 0
        ? { ...(result.extensions as Record<string, unknown> | undefined), warnings }
        : result.extensions;
    return {
      status: status || 500,
      body: {
        ...(errors ? { errors } : {}),
        ...(executed ? { data: result.data } : {}),
        ...(extensions ? { extensions } : {}),
      },
    };
  };
}

function statusOf(error: GraphQLError, code: string): number {
  const original = error.originalError;
  if (original instanceof AppError) return original.httpStatus;
  const http = error.extensions.http as { status?: number } | undefined;
  if (typeof http?.status === 'number' && http.status !== 400) return http.status;
  return badRequestCodes.has(code) ? 400 : 500;
}

/**
 * Errors the engine raises before execution with no code of their own get the one Apollo
 * gave them: variables that do not coerce are BAD_USER_INPUT, a refused HTTP use
 * (a mutation over GET) BAD_REQUEST.
 */
function labelled(
  raw: GraphQLError | GraphQLFormattedError,
  executed: boolean,
  operationName: unknown,
): GraphQLError {
  const error =
    raw instanceof GraphQLError
      ? raw
      : new GraphQLError(raw.message, { path: raw.path, extensions: raw.extensions });
  // The engine's parser found no operation to run: the document lacks the name, or has
  // several and none was chosen.
  if (error.extensions.code === 'OPERATION_RESOLUTION_FAILURE') {
    return refusalError(
      badInput(
        typeof operationName === 'string' && operationName
          ? `Unknown operation named "${operationName}".`
          : 'Must provide operation name if query contains multiple operations.',
      ),
    );
  }
  if (error.extensions.code || executed) return error;
  // graphql's variable coercion keeps the scalar's complaint as originalError.
  const coercion = error.message.startsWith('Variable "$');
  if (!coercion && (error.originalError || error.extensions.unexpected)) return error;
  const http = error.extensions.http as { status?: number } | undefined;
  const code =
    typeof http?.status === 'number' &&
    http.status >= 400 &&
    http.status < 500 &&
    http.status !== 400
      ? 'BAD_REQUEST'
      : 'BAD_USER_INPUT';
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, code: coercion ? 'BAD_USER_INPUT' : code },
  });
}

/** A subgraph's own INTERNAL_SERVER_ERROR: that subgraph logged its cause under the same id. */
function fromSubgraph(error: GraphQLError): boolean {
  return error.extensions.code === 'INTERNAL_SERVER_ERROR' && error.path !== undefined;
}
