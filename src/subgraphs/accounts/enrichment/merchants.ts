import { createHash } from 'node:crypto';
import { knownMerchants, type KnownMerchant } from './merchant-dictionary.ts';

export interface CleanMerchant {
  /** Stable: a hash of the normalised name (of the dictionary name for known merchants). */
  id: string;
  name: string;
  known: KnownMerchant | undefined;
}

/** Payment-facilitator and card-network prefixes that stand before the merchant's name. */
const prefixes =
  /^(?:(?:CRV|SQ|SP|SUMUP|IZ|ZTL|TST|CKO|PAYPAL|PP|GOOGLE|APPLE PAY|VIS|VISA|DEB|POS|CARD PAYMENT TO|CARD PURCHASE|CONTACTLESS|DIRECT DEBIT|LASTSCHRIFT|STANDING ORDER|DAUERAUFTRAG|REFUND|GUTSCHRIFT|KARTENZAHLUNG|PURCHASE)\s*[*:]?\s+|[A-Z]{2,6}\s*\*\s*)+/;

/** Towns and country codes that trail a statement line (enough for the sandbox's regions). */
const places = new Set([
  'LONDON',
  'MANCHESTER',
  'BIRMINGHAM',
  'LEEDS',
  'GLASGOW',
  'EDINBURGH',
  'BRISTOL',
  'LIVERPOOL',
  'CAMBRIDGE',
  'OXFORD',
  'BERLIN',
  'MUENCHEN',
  'MUNCHEN',
  'HAMBURG',
  'KOELN',
  'KOLN',
  'FRANKFURT',
  'STUTTGART',
  'DUESSELDORF',
  'LEIPZIG',
  'GB',
  'GBR',
  'UK',
  'DE',
  'DEU',
  'IE',
  'LU',
  'NL',
  'US',
]);

/** Upper case, noise dropped: what a name is compared and hashed by. */
export function normaliseMerchant(raw: string): string {
  let s = raw
    .toUpperCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\bWWW\./g, '')
    .replace(/\.(?:COM|CO\.UK|DE|NET|ORG|EU)\b/g, ' ');
  s = s.replace(prefixes, '');
  // "FIL.0496": a branch word glued to its number keeps the word.
  s = s.replace(/\.(?=\d)/g, ' ');
  // Dates (12/03, 12.03.2026, 12MAR), references and store numbers: anything with a digit.
  s = s.replace(/\b\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?\b/g, ' ');
  s = s.replace(/\b\d{1,2}(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)\d{0,4}\b/g, ' ');
  s = s.replace(/[#*]/g, ' ').replace(/\S*\d\S*/g, ' ');
  s = s.replace(/[^A-Z&' -]/g, ' ').replace(/\s-\s|-$|^-/g, ' ');
  const words = s.split(/\s+/).filter(Boolean);
  while (words.length > 1 && places.has(words.at(-1)!)) words.pop();
  return words.join(' ').replace(/'/g, '');
}

const byAlias: readonly (readonly [string[], KnownMerchant])[] = knownMerchants
  .flatMap((k) => k.aliases.map((a) => [normaliseMerchant(a).split(' '), k] as const))
  .sort((a, b) => b[0].length - a[0].length);

/** The known merchant whose longest alias the name starts with. */
export function lookupKnown(normalised: string): KnownMerchant | undefined {
  const words = normalised.split(' ');
  return byAlias.find(([alias]) => alias.every((w, i) => words[i] === w))?.[1];
}

export const merchantId = (normalised: string): string =>
  `mer_${createHash('sha256').update(normalised).digest('base64url').slice(0, 16)}`;

const titleCase = (s: string) =>
  s
    .toLowerCase()
    .replace(/(^|[\s&-])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());

/**
 * A readable name and a stable id for the merchant behind a statement line, or undefined
 * when nothing name-like is left (a line of only numbers and codes).
 */
export function cleanMerchant(raw: string | null | undefined): CleanMerchant | undefined {
  if (!raw) return undefined;
  const normalised = normaliseMerchant(raw);
  if (normalised.replace(/[^A-Z]/g, '').length < 2) return undefined;
  const known = lookupKnown(normalised);
  if (known) return { id: merchantId(normaliseMerchant(known.name)), name: known.name, known };
  return { id: merchantId(normalised), name: titleCase(normalised), known: undefined };
}
