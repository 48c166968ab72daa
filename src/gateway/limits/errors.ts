import { GraphQLError, type ASTNode } from 'graphql';
import { AppError, ErrorCode } from '../../shared/errors/index.ts';

export type LimitName = 'depth' | 'aliases' | 'cost' | 'tokens' | 'introspection' | 'inputDepth';

/**
 * A refused operation. The AppError rides along as `originalError` because Apollo rewrites
 * the code of every validation error to GRAPHQL_VALIDATION_FAILED; the gateway's
 * formatError puts ours back.
 */
export function limitError(
  limit: LimitName,
  message: string,
  details: Record<string, unknown>,
  nodes?: readonly ASTNode[],
): GraphQLError {
  return refusalError(limitAppError(limit, message, details), nodes);
}

/** The refusal itself: BAD_USER_INPUT with `extensions.limit`, FORBIDDEN for introspection. */
export function limitAppError(
  limit: LimitName,
  message: string,
  details: Record<string, unknown>,
): AppError {
  const code = limit === 'introspection' ? ErrorCode.FORBIDDEN : ErrorCode.BAD_USER_INPUT;
  return new AppError(code, message, { limit, ...details });
}

/** Any AppError thrown from Apollo's pipeline, answered with its own code and HTTP status. */
export function refusalError(appError: AppError, nodes?: readonly ASTNode[]): GraphQLError {
  return new GraphQLError(appError.message, {
    nodes,
    originalError: appError,
    extensions: {
      code: appError.code,
      ...appError.details,
      // Status only: Apollo sets it on the response and strips `http` from the error.
      http: { status: appError.httpStatus },
    },
  });
}
