import type { FragmentDefinitionNode, FragmentSpreadNode, SelectionSetNode } from 'graphql';

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
