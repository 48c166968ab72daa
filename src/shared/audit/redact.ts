import { canonicalJson } from './canonical.ts';

/**
 * Argument redaction for audit records. A key is secret when one of its words (split on
 * camelCase, `_`, `-`, `.`) is on the denylist, or when it contains one of the unambiguous
 * secret words anywhere (`accesstoken`). Over-redaction only loses an argument value from
 * the log; under-redaction leaks a secret into a store kept for years, so the list errs wide
 * (`currencyCode` is redacted too). Values that look like JWTs are redacted whatever the key.
 * Account identifiers (IBANs, account numbers) are account data, not secrets, but the log
 * keeps ids, not account data (GDPR minimisation, SECURITY-CHECKS), so they go too.
 */
export const secretWords: ReadonlySet<string> = new Set([
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'code',
  'pin',
  'otp',
  'cvv',
  'cvc',
  'authorization',
  'cookie',
  'credential',
  'credentials',
  'assertion',
  'signature',
  'private',
  'apikey',
  'identification',
  'iban',
  'bban',
  'pan',
]);
const secretSubstrings = [
  'password',
  'passwd',
  'secret',
  'token',
  'credential',
  'apikey',
  'accountnumber',
  'sortcode',
];

export const redacted = '[REDACTED]';

export interface RedactionLimits {
  /** Longer strings are cut and marked with how much was dropped. */
  maxStringLength: number;
  /** Longer lists keep their first items and say how many were dropped. */
  maxItems: number;
  /** Deeper values become "[…]". */
  maxDepth: number;
  /** The canonical JSON of all arguments never exceeds this many characters. */
  maxJsonLength: number;
}

export const defaultRedactionLimits: RedactionLimits = {
  maxStringLength: 200,
  maxItems: 50,
  maxDepth: 5,
  maxJsonLength: 2048,
};

const jwtLike = /^[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*$/;

/** True when an argument or input field of this name must never be logged. */
export function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  if (secretSubstrings.some((s) => lower.includes(s))) return true;
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((w) => secretWords.has(w));
}

function scrub(value: unknown, limits: RedactionLimits, depth: number): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    if (jwtLike.test(value)) return redacted;
    return value.length > limits.maxStringLength
      ? `${value.slice(0, limits.maxStringLength)}…[+${value.length - limits.maxStringLength} chars]`
      : value;
  }
  if (typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (depth >= limits.maxDepth) return '[…]';
  if (Array.isArray(value)) {
    const kept = value.slice(0, limits.maxItems).map((v) => scrub(v, limits, depth + 1));
    if (value.length > limits.maxItems) kept.push(`…[+${value.length - limits.maxItems} items]`);
    return kept;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = isSecretKey(k) ? redacted : scrub(v, limits, depth + 1);
  }
  return out;
}

function hasOwnKeys(o: object): boolean {
  for (const k in o) if (Object.hasOwn(o, k)) return true;
  return false;
}

/**
 * The canonical JSON of a resolver's arguments with secrets replaced by "[REDACTED]" and
 * sizes bounded; null when there are no arguments.
 */
export function redactArguments(
  args: Record<string, unknown> | null | undefined,
  limits: RedactionLimits = defaultRedactionLimits,
): string | null {
  if (!args) return null;
  // Runs for every field; most have no arguments, so find that out without allocating.
  if (!hasOwnKeys(args)) return null;
  const json = canonicalJson(scrub(args, limits, 0));
  if (json.length <= limits.maxJsonLength) return json;
  // Escaping can lengthen the cut text, so shorten until the wrapper fits.
  let cut = json.slice(0, limits.maxJsonLength);
  let wrapped = canonicalJson({ truncated: cut });
  while (wrapped.length > limits.maxJsonLength) {
    cut = cut.slice(0, Math.max(0, cut.length - (wrapped.length - limits.maxJsonLength)));
    wrapped = canonicalJson({ truncated: cut });
  }
  return wrapped;
}
