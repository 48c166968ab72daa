/**
 * Which rule book applies to a bank or a PSU, from its ISO 3166-1 alpha-2 country.
 * GB is the UK regime (FCA: the UK SCA-RTS and PSRs 2017, OBIE standards); the EEA is the
 * EU regime (PSD2 and its RTS, Berlin Group banks), as PSD2 applies EEA-wide.
 * A country outside both is refused, never guessed: the rules that differ (re-authentication,
 * retention) are legal duties, and a default would apply the wrong one silently.
 */
export const jurisdictions = ['UK', 'EU'] as const;
export type Jurisdiction = (typeof jurisdictions)[number];

/** EU member states plus Iceland, Liechtenstein and Norway (EEA Agreement, PSD2 applies). */
const eea = new Set(
  'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO'.split(
    ' ',
  ),
);

export class UnknownCountryError extends Error {
  override name = 'UnknownCountryError';
  constructor(readonly country: string) {
    super(
      `country ${JSON.stringify(country)} is neither GB nor an EEA country: no rules for it (ISO 3166-1 alpha-2, upper case)`,
    );
  }
}

/** The jurisdiction of a country code; throws UnknownCountryError outside GB and the EEA. */
export function jurisdictionOf(country: string): Jurisdiction {
  if (country === 'GB') return 'UK';
  if (eea.has(country)) return 'EU';
  throw new UnknownCountryError(country);
}

/** True when `jurisdictionOf` has an answer for the country (for config validation). */
export function isKnownCountry(country: string): boolean {
  return country === 'GB' || eea.has(country);
}
