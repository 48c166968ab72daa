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

/** Adds (weight 1) or removes (weight -1) one example. */
export function train(state: ModelState, tokens: readonly string[], detailed: string, weight = 1) {
  const docs = (state.docs[detailed] ?? 0) + weight;
  if (docs <= 0) {
    delete state.docs[detailed];
    delete state.tokens[detailed];
    return;
  }
  state.docs[detailed] = docs;
  const counts = (state.tokens[detailed] ??= {});
  for (const t of tokens) {
    const c = (counts[t] ?? 0) + weight;
    if (c > 0) counts[t] = c;
    else delete counts[t];
  }
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
  const classes = Object.keys(state.docs).filter((c) => categoryOf(c));
  if (classes.length === 0) return undefined;
  const vocabulary = new Set<string>();
  for (const c of classes) for (const t of Object.keys(state.tokens[c] ?? {})) vocabulary.add(t);
  const known = tokens.filter((t) => vocabulary.has(t));
  if (known.length === 0) return undefined;
  const totalDocs = classes.reduce((n, c) => n + state.docs[c]!, 0);
  const scores = classes.map((c) => {
    const counts = state.tokens[c] ?? {};
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    let score = Math.log(state.docs[c]! / totalDocs);
    for (const t of known) score += Math.log(((counts[t] ?? 0) + 1) / (total + vocabulary.size));
    return score;
  });
  if (classes.length === 1) {
    scores.push(Math.log(1) + known.length * Math.log(1 / (vocabulary.size + 1)));
    classes.push('');
  }
  const max = Math.max(...scores);
  const exp = scores.map((s) => Math.exp(s - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  const best = scores.indexOf(max);
  const category = categoryOf(classes[best]!);
  return category ? { category, probability: exp[best]! / sum } : undefined;
}
