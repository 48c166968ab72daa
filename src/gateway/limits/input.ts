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
  const maxInput = limits.maxInputDepth;
  if (typeof request.query === 'string') {
    const nesting = documentNesting(request.query, limits.maxTokens);
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
  }
  const variables = request.variables;
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
