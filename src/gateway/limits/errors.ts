import { GraphQLError, type ASTNode } from 'graphql';
import { AppError, ErrorCode } from '../../shared/errors/index.ts';

export type LimitName = 'depth' | 'aliases' | 'cost' | 'tokens' | 'introspection';

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
  const code = limit === 'introspection' ? ErrorCode.FORBIDDEN : ErrorCode.BAD_USER_INPUT;
  const appError = new AppError(code, message, { limit, ...details });
  return new GraphQLError(message, {
    nodes,
    originalError: appError,
    extensions: {
      code,
      limit,
      ...details,
      // Status only: Apollo sets it on the response and strips `http` from the error.
      http: { status: appError.httpStatus },
    },
  });
}
