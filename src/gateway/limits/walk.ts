import {
  Lexer,
  Source,
  TokenKind,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type SelectionSetNode,
} from 'graphql';

export type Fragments = (name: string) => FragmentDefinitionNode | null | undefined;

/** Introspection (`__schema`, `__type`, `__typename`) is governed by its own setting. */
export const isIntrospectionField = (name: string) => name.startsWith('__');

/**
 * Folds a selection set with fragments expanded. Each fragment's value is computed once;
 * a fragment cycle counts as zero here (graphql's NoFragmentCycles rule reports it).
 */
export function foldSelections(
  selectionSet: SelectionSetNode,
  fragments: Fragments,
  combine: (values: number[]) => number,
  field: (name: string, alias: boolean, childValue: number) => number,
): number {
  const memo = new Map<string, number>();
  const visiting = new Set<string>();

  const spread = (node: FragmentSpreadNode): number => {
    const name = node.name.value;
    const known = memo.get(name);
    if (known !== undefined) return known;
    const fragment = fragments(name);
    if (!fragment || visiting.has(name)) return 0;
    visiting.add(name);
    const value = fold(fragment.selectionSet);
    visiting.delete(name);
    memo.set(name, value);
    return value;
  };

  const fold = (set: SelectionSetNode): number =>
    combine(
      set.selections.map((s) => {
        if (s.kind === 'FragmentSpread') return spread(s);
        if (s.kind === 'InlineFragment') return fold(s.selectionSet);
        if (isIntrospectionField(s.name.value)) return 0;
        const child = s.selectionSet ? fold(s.selectionSet) : 0;
        return field(s.name.value, s.alias !== undefined, child);
      }),
    );

  return fold(selectionSet);
}

/** How deeply a document nests its brackets, as read from its tokens. */
export interface Nesting {
  /** `{` and `[` inside parentheses: input literals and list types of variables. */
  input: number;
  /** `{` and `[` outside parentheses: selection sets, inline fragments included. */
  selection: number;
  /** Lexical tokens read: more than maxTokens means the parser would refuse the document. */
  tokens: number;
}

/**
 * Bracket nesting of a GraphQL document before it is parsed: graphql's parser recurses once
 * per level, so a deep enough document overflows the stack ("Maximum call stack size
 * exceeded") before any validation rule sees it. Parentheses never nest, and selection sets
 * never occur inside them, so brackets inside are exactly the input values' nesting. Reads
 * at most `maxTokens` tokens, and one more to tell that the parser would refuse it, and stops at the first
 * lexical error (the parser reports it, and recursed no deeper than counted so far).
 */
export function documentNesting(source: string, maxTokens: number): Nesting {
  const lexer = new Lexer(new Source(source));
  const deepest: Nesting = { input: 0, selection: 0, tokens: 0 };
  const open = { input: 0, selection: 0 };
  let inParentheses = false;
  try {
    while (deepest.tokens <= maxTokens) {
      const { kind } = lexer.advance();
      if (kind === TokenKind.EOF) break;
      deepest.tokens += 1;
      if (deepest.tokens > maxTokens) break;
      const where = inParentheses ? 'input' : 'selection';
      if (kind === TokenKind.PAREN_L) inParentheses = true;
      else if (kind === TokenKind.PAREN_R) inParentheses = false;
      else if (kind === TokenKind.BRACE_L || kind === TokenKind.BRACKET_L) {
        open[where] += 1;
        deepest[where] = Math.max(deepest[where], open[where]);
      } else if (kind === TokenKind.BRACE_R || kind === TokenKind.BRACKET_R) {
        open[where] = Math.max(0, open[where] - 1);
      }
    }
  } catch {
    // A lexical error: left to the parser, which reports it with its location.
  }
  return deepest;
}

/** What a JSON value (the variables) holds that the limits care about. */
export interface ValueShape {
  /** Objects and lists nested in one another; a scalar is 0. */
  depth: number;
  /** A string or key with an unpaired UTF-16 surrogate, which no database or encoder takes. */
  loneSurrogate: boolean;
}

const loneSurrogate = /[\uD800-\uDFFF]/u;

/** Walks a parsed JSON value without recursion, so no nesting can overflow the stack. */
export function valueShape(value: unknown): ValueShape {
  const shape: ValueShape = { depth: 0, loneSurrogate: false };
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length) {
    const [v, depth] = pending.pop()!;
    if (typeof v === 'string') {
      if (loneSurrogate.test(v)) shape.loneSurrogate = true;
    } else if (v !== null && typeof v === 'object') {
      shape.depth = Math.max(shape.depth, depth + 1);
      for (const [key, child] of Object.entries(v)) {
        if (loneSurrogate.test(key)) shape.loneSurrogate = true;
        pending.push([child, depth + 1]);
      }
    }
  }
  return shape;
}
