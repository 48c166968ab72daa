import { categoryOf, type Category } from './taxonomy.ts';

/**
 * A per-PSU multinomial naive Bayes classifier over description tokens, trained only on the
 * PSU's own corrections. Small enough to keep as JSON in one row and to retrain from the
 * corrections at any time; counts only, so adding an example is O(tokens).
 */
export interface ModelState {
  version: 1;
  /** detailed category → number of training examples */
  docs: Record<string, number>;
  /** detailed category → token → count */
  tokens: Record<string, Record<string, number>>;
}

export interface Prediction {
  category: Category;
  /** Posterior probability of the winning class, 0–1. */
  probability: number;
}

/** Words of two letters or more, numbers dropped: store numbers and dates say nothing. */
export function tokenize(...texts: (string | null | undefined)[]): string[] {
  const out: string[] = [];
  for (const t of texts) {
    if (!t) continue;
    for (const w of t.toLowerCase().split(/[^\p{L}]+/u)) if (w.length >= 2) out.push(w);
  }
  return out;
}

export const emptyModel = (): ModelState => ({ version: 1, docs: {}, tokens: {} });

/** Adds (weight 1) or removes (weight -1) one example. Changes the state in place. */
export function train(state: ModelState, tokens: readonly string[], detailed: string, weight = 1) {
  const docs = (state.docs[detailed] ?? 0) + weight;
  compiledOf.delete(state);
  if (docs <= 0) {
    delete state.docs[detailed];
    delete state.tokens[detailed];
    return;
  }
  compiledOf.delete(state);
  state.docs[detailed] = docs;
  const counts = (state.tokens[detailed] ??= {});
  for (const t of tokens) {
    const c = (counts[t] ?? 0) + weight;
    if (c > 0) counts[t] = c;
    else delete counts[t];
  }
}

interface Compiled {
  classes: string[];
  vocabulary: Set<string>;
  logPrior: number[];
  /** Laplace-smoothed: the class's token total plus the vocabulary size. */
  denominator: number[];
}

/** A request reads one model for hundreds of transactions: the totals are worked out once. */
const compiledOf = new WeakMap<ModelState, Compiled>();
function compiled(state: ModelState): Compiled {
  let c = compiledOf.get(state);
  if (c) return c;
  const classes = Object.keys(state.docs).filter((k) => categoryOf(k));
  const vocabulary = new Set<string>();
  for (const k of classes) for (const t of Object.keys(state.tokens[k] ?? {})) vocabulary.add(t);
  const totalDocs = classes.reduce((n, k) => n + state.docs[k]!, 0);
  c = {
    classes,
    vocabulary,
    logPrior: classes.map((k) => Math.log(state.docs[k]! / totalDocs)),
    denominator: classes.map(
      (k) => Object.values(state.tokens[k] ?? {}).reduce((a, b) => a + b, 0) + vocabulary.size,
    ),
  };
  compiledOf.set(state, c);
  return c;
}

export function parseModel(json: string | null | undefined): ModelState {
  if (!json) return emptyModel();
  try {
    const v = JSON.parse(json) as Partial<ModelState>;
    if (v.version === 1 && v.docs && v.tokens) return v as ModelState;
  } catch {
    // A damaged model is retrained from the corrections; until then, no predictions.
  }
  return emptyModel();
}

/**
 * The most probable category with its posterior, or undefined when the model knows none of
 * the tokens. A model with one class is weighed against an unseen class, so one class does
 * not win everything with certainty.
 */
export function predict(state: ModelState, tokens: readonly string[]): Prediction | undefined {
  const m = compiled(state);
  if (m.classes.length === 0) return undefined;
  const known = tokens.filter((t) => m.vocabulary.has(t));
  if (known.length === 0) return undefined;
  const classes = [...m.classes];
  const scores = classes.map((c, i) => {
    const counts = state.tokens[c] ?? {};
    let score = m.logPrior[i]!;
    for (const t of known) score += Math.log(((counts[t] ?? 0) + 1) / m.denominator[i]!);
    return score;
  });
  // One class alone would always win: weigh it against an unseen class whose prior shrinks
  // as examples come (Laplace's rule of succession), so certainty grows with evidence.
  if (classes.length === 1) {
    const docs = state.docs[classes[0]!]!;
    scores[0] = Math.log(docs / (docs + 1)) + scores[0]! - m.logPrior[0]!;
    scores.push(Math.log(1 / (docs + 1)) + known.length * Math.log(1 / (m.vocabulary.size + 1)));
    classes.push('');
  }
  const max = Math.max(...scores);
  const exp = scores.map((s) => Math.exp(s - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  const best = scores.indexOf(max);
  const category = categoryOf(classes[best]!);
  return category ? { category, probability: exp[best]! / sum } : undefined;
}
