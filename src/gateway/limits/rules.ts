import type { ValidationContext, ValidationRule } from 'graphql';
import { limitError } from './errors.ts';
import { foldSelections, type Fragments } from './walk.ts';

const fragmentsOf =
  (context: ValidationContext): Fragments =>
  (name) =>
    context.getFragment(name);

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const max = (values: number[]) => values.reduce((a, b) => Math.max(a, b), 0);

/** Deepest field selection of each operation, fragments expanded. */
export function maxDepthRule(maxDepth: number): ValidationRule {
  return (context) => ({
    OperationDefinition(node) {
      const depth = foldSelections(
        node.selectionSet,
        fragmentsOf(context),
        max,
        (_n, _a, c) => c + 1,
      );
      if (depth > maxDepth) {
        context.reportError(
          limitError(
            'depth',
            `Query depth ${depth} exceeds the maximum of ${maxDepth}`,
            { depth, max: maxDepth },
            [node],
          ),
        );
      }
    },
  });
}

/** Aliased fields of each operation, counted once per place a fragment is spread. */
export function maxAliasesRule(maxAliases: number): ValidationRule {
  return (context) => ({
    OperationDefinition(node) {
      const aliases = foldSelections(
        node.selectionSet,
        fragmentsOf(context),
        sum,
        (_n, alias, c) => c + (alias ? 1 : 0),
      );
      if (aliases > maxAliases) {
        context.reportError(
          limitError(
            'aliases',
            `Query uses ${aliases} aliases; the maximum is ${maxAliases}`,
            { aliases, max: maxAliases },
            [node],
          ),
        );
      }
    },
  });
}

/** `__schema` and `__type` only where configured; `__typename` is always fine. */
export const noIntrospectionRule: ValidationRule = (context) => ({
  Field(node) {
    const name = node.name.value;
    if (name === '__schema' || name === '__type') {
      context.reportError(
        limitError('introspection', 'Introspection is disabled on this gateway', {}, [node]),
      );
    }
  },
});
