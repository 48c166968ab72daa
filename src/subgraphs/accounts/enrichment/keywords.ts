import type { Direction } from './bank-codes.ts';
import { cat, type Category, type PrimaryCategory } from './taxonomy.ts';

/**
 * Words on a statement line that say what the money was for when no dictionary entry does:
 * a standing order "TRANSFER TO SAVINGS" or "MIETE", a café the card scheme files as fast
 * food. Our own list (English and German). A rule that names a purpose applies to one
 * direction; a rule that only refines a guess needs the guess's primary category, and then
 * holds both ways (a café's refund is a café's).
 */
interface KeywordRule {
  words: RegExp;
  direction?: Direction;
  category: Category;
  /** Refine only: the other sources' guess must be in this primary category. */
  within?: PrimaryCategory;
  confidence: number;
}

const rules: readonly KeywordRule[] = [
  {
    words: /\b(?:SALARY|WAGES|PAYROLL|LOHN|GEHALT|BEZUEGE)\b/,
    direction: 'Credit',
    category: cat('INCOME', 'WAGES'),
    confidence: 0.85,
  },
  {
    words: /\b(?:SAVINGS|SAVER|SPARKONTO|TAGESGELD(?:KONTO)?|SPARPLAN|ISA)\b/,
    direction: 'Debit',
    category: cat('TRANSFER_OUT', 'SAVINGS'),
    confidence: 0.8,
  },
  {
    words: /\b(?:RENT|MIETE|KALTMIETE|WARMMIETE|LETTINGS|HAUSVERWALTUNG)\b/,
    direction: 'Debit',
    category: cat('RENT_AND_UTILITIES', 'RENT'),
    confidence: 0.8,
  },
  {
    words: /\b(?:COUNCIL TAX|CTAX|FINANZAMT|GRUNDSTEUER|HMRC)\b/,
    direction: 'Debit',
    category: cat('GOVERNMENT_AND_NON_PROFIT', 'TAX'),
    confidence: 0.85,
  },
  {
    words: /\b(?:INSURANCE|VERSICHERUNG|ASSURANCE)\b/,
    direction: 'Debit',
    category: cat('GENERAL_SERVICES', 'INSURANCE'),
    confidence: 0.8,
  },
  {
    words: /\b(?:COFFEE|CAFE|KAFFEE|ESPRESSO|ROASTERS?)\b/,
    category: cat('FOOD_AND_DRINK', 'COFFEE'),
    within: 'FOOD_AND_DRINK',
    confidence: 0.85,
  },
];

/** The keyword rule's category for a line's words, given what the other sources guessed. */
export function categoryForKeywords(
  text: string,
  direction: Direction,
  guess: Category | undefined,
): { category: Category; confidence: number } | undefined {
  const upper = text.toUpperCase();
  const rule = rules.find(
    (r) =>
      (r.within || r.direction === direction) &&
      r.words.test(upper) &&
      (!r.within || guess?.primary === r.within),
  );
  return rule && { category: rule.category, confidence: rule.confidence };
}
