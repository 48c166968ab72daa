import type { GatewayConfig } from '../../shared/config/index.ts';
import { checkDocument, checkVariables } from '../limits/input.ts';

type Limits = GatewayConfig['limits'];

/** Documents seen lately and what their text alone says (refusal or fine). */
const cacheSize = 1_000;
/** Longer documents are checked every time rather than kept. */
const longestCached = 16_384;

/**
 * checkInput (nesting of input values and selections, variables) plus the token limit, on
 * the operation as sent, before the engine parses it. What the document text alone decides
 * is remembered per text, so a client repeating its operations pays for one read; the
 * variables are checked on every request.
 */
export function inputChecker(limits: Limits) {
  const documents = new Map<string, Error | null>();
  const checkText = (query: string) => {
    const known = documents.get(query);
    if (known !== undefined) {
      if (known) throw known;
      return;
    }
    let refusal: Error | null = null;
    try {
      checkDocument(query, limits);
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      refusal = e;
    }
    if (query.length <= longestCached) {
      if (documents.size >= cacheSize) documents.clear();
      documents.set(query, refusal);
    }
    if (refusal) throw refusal;
  };
  return (operation: { query?: unknown; variables?: unknown }) => {
    if (typeof operation.query === 'string') checkText(operation.query);
    checkVariables(operation.variables, limits);
  };
}
