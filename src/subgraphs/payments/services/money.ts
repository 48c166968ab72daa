/**
 * Money as decimal strings, compared and added as integers: every amount is scaled to
 * SCALE decimal places in a bigint, so "100.00" and "100" compare equal and nothing is
 * ever rounded through a float.
 */
const SCALE = 5;
const FACTOR = 10n ** BigInt(SCALE);
const shape = /^(\d{1,13})(?:\.(\d{1,5}))?$/;

export type Scaled = bigint;

/** A non-negative decimal string with at most 5 decimals (OBIE's amount type) → scaled. */
export function toScaled(amount: string): Scaled {
  const match = shape.exec(amount);
  if (!match) throw new Error(`not a decimal amount: ${amount}`);
  const [, whole = '0', fraction = ''] = match;
  return BigInt(whole) * FACTOR + BigInt(fraction.padEnd(SCALE, '0'));
}

export function fromScaled(value: Scaled, decimals: number): string {
  const whole = value / FACTOR;
  if (decimals === 0) return whole.toString();
  const fraction = (value % FACTOR).toString().padStart(SCALE, '0').slice(0, decimals);
  return `${whole}.${fraction}`;
}

export const sum = (values: readonly Scaled[]): Scaled => values.reduce((a, b) => a + b, 0n);

/** The middle value (lower middle for an even count); undefined for none. */
export function median(values: readonly Scaled[]): Scaled | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

const knownCurrencies = new Set(Intl.supportedValuesOf('currency'));

export const isKnownCurrency = (code: string): boolean => knownCurrencies.has(code);

/** ISO 4217 minor units (GBP 2, JPY 0, BHD 3), as the platform's ICU data knows them. */
export function minorUnits(currency: string): number {
  const options = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions();
  return options.maximumFractionDigits ?? 2;
}
