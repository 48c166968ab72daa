import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { getOperationAST, GraphQLError, type DocumentNode } from 'graphql';
import { badInput } from '../../shared/errors/index.ts';
import { cachedCost } from '../limits/cost.ts';
import { limitError, refusalError } from '../limits/errors.ts';
import { limitRules, type Limits } from '../limits/index.ts';
import type { GatewayContext } from './subgraph-fetch.ts';

/** The codes Apollo gave the client's mistakes; clients and tests read them. */
export const parseFailed = 'GRAPHQL_PARSE_FAILED';
export const validationFailed = 'GRAPHQL_VALIDATION_FAILED';

const withCode = (error: GraphQLError, code: string) =>
  error.originalError || error.extensions.code
    ? error
    : new GraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        extensions: { ...error.extensions, code },
      });

/**
 * The gateway's document limits inside the engine. Depth, aliases and introspection are
 * validation rules, so the engine's validation cache runs them once per document; cost needs
 * the variables only when a page size is one, so it is remembered per document otherwise.
 * Operations the engine cannot run (an operationName the document lacks, a choice among
 * several left unmade, a subscription) are the client's mistake, answered 400.
 */
export function limitsPlugin(
  limits: Limits,
  allowIntrospection: boolean,
): GatewayPlugin<GatewayContext> {
  const rules = limitRules(limits, allowIntrospection);
  const costs = new WeakMap<DocumentNode, Map<string, number>>();
  return {
    onParse() {
      return ({ result, replaceParseResult }) => {
        if (result instanceof GraphQLError) replaceParseResult(withCode(result, parseFailed));
      };
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
      return ({ valid, result, setResult }) => {
        if (!valid) setResult(result.map((e) => withCode(e, validationFailed)));
      };
    },
    // The engine runs a subscription through subscribe, not execute; it is refused there.
    onSubscribe({ setResultAndStopExecution }) {
      setResultAndStopExecution({
        errors: [
          refusalError(
            badInput('Subscriptions are not supported: send queries and mutations over HTTP'),
          ),
        ],
      });
    },
    onExecute({ args, setResultAndStopExecution }) {
      const refuse = (error: GraphQLError) => setResultAndStopExecution({ errors: [error] });
      const name = args.operationName ?? undefined;
      const operation = getOperationAST(args.document, name);
      if (!operation) {
        return refuse(
          refusalError(
            badInput(
              name
                ? `Unknown operation named "${name}".`
                : 'Must provide operation name if query contains multiple operations.',
            ),
          ),
        );
      }
      const context = args.contextValue as Partial<GatewayContext>;
      if (context.request) context.request.operationName = operation.name?.value ?? null;
      // Signed into each subgraph's context, so the audit log names what the client ran.
      if (context.internal && operation.name) context.internal.operationName = operation.name.value;
      if (operation.operation === 'subscription') {
        return refuse(
          refusalError(
            badInput('Subscriptions are not supported: send queries and mutations over HTTP'),
          ),
        );
      }
      const cost = cachedCost(
        costs,
        args.schema,
        args.document,
        operation,
        (args.variableValues as Record<string, unknown> | null | undefined) ?? {},
        { defaultListSize: limits.defaultListSize },
      );
      if (cost > limits.maxCost) {
        refuse(
          limitError('cost', `Query cost ${cost} exceeds the maximum of ${limits.maxCost}`, {
            cost,
            max: limits.maxCost,
          }),
        );
      }
    },
  };
}
