import type { GatewayConfig } from '../../shared/config/index.ts';
import { badInput } from '../../shared/errors/index.ts';
import { limitAppError } from './errors.ts';
import { documentNesting, valueShape } from './walk.ts';

/**
 * Selection sets may nest twice the depth limit (an inline fragment at every level) before
 * the depth rule could even run; the cap keeps the parser's recursion safe whatever
 * MAX_QUERY_DEPTH says.
 */
export const maxSelectionNesting = (maxDepth: number) => Math.min(2 * maxDepth + 1, 200);

/**
 * Input values nested no deeper than `maxInputDepth`, in the document and in the variables,
 * and variables that are well-formed Unicode; throws the refusal. Runs on the request as
 * sent, before Apollo parses it: parsing is where a deep literal overflows the stack, and
 * Apollo answers any error thrown from its plugins before parsing with a bare 500.
 */
export function checkInput(
  request: { query?: unknown; variables?: unknown },
  limits: GatewayConfig['limits'],
): void {
  if (typeof request.query === 'string') checkDocument(request.query, limits);
  checkVariables(request.variables, limits);
}

/** What the document's text alone decides: nesting and the token limit. */
export function checkDocument(query: string, limits: GatewayConfig['limits']): void {
  const maxInput = limits.maxInputDepth;
  const nesting = documentNesting(query, limits.maxTokens);
  if (nesting.input > maxInput) {
    throw inputDepthError('The document nests input values', nesting.input, maxInput);
  }
  const maxSelection = maxSelectionNesting(limits.maxDepth);
  if (nesting.selection > maxSelection) {
    throw limitAppError(
      'depth',
      `Selection sets nest ${nesting.selection} levels deep (inline fragments included); the maximum is ${maxSelection}`,
      { nesting: nesting.selection, max: maxSelection },
    );
  }
  // graphql's parser would stop there with a syntax error; it is a limit to the client.
  if (nesting.tokens > limits.maxTokens) {
    throw limitAppError('tokens', `The document has more than ${limits.maxTokens} tokens`, {
      max: limits.maxTokens,
    });
  }
}

/** Variables nested no deeper than maxInputDepth, and well-formed Unicode. */
export function checkVariables(variables: unknown, limits: GatewayConfig['limits']): void {
  const maxInput = limits.maxInputDepth;
  if (variables === null || typeof variables !== 'object') return;
  for (const [name, value] of Object.entries(variables)) {
    const shape = valueShape(value);
    if (shape.depth > maxInput) {
      throw inputDepthError(`Variable "$${name}" nests`, shape.depth, maxInput);
    }
    if (shape.loneSurrogate) {
      throw badInput(
        `Variable "$${name}" holds a lone UTF-16 surrogate, which is not a character; send well-formed Unicode`,
      );
    }
  }
}

const inputDepthError = (what: string, depth: number, max: number) =>
  limitAppError('inputDepth', `${what} ${depth} levels deep; the maximum is ${max}`, {
    depth,
    max,
  });
