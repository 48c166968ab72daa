/** Account identifications a payment can name, checked before they reach a bank. */

export const AccountScheme = {
  SortCodeAccountNumber: 'SortCodeAccountNumber',
  IBAN: 'IBAN',
} as const;
export type AccountScheme = (typeof AccountScheme)[keyof typeof AccountScheme];

export interface AccountIdentification {
  scheme: AccountScheme;
  identification: string;
}

/** OBIE SchemeName for each scheme (OBInternalAccountIdentification4Code). */
export const obieSchemeName: Record<AccountScheme, string> = {
  SortCodeAccountNumber: 'UK.OBIE.SortCodeAccountNumber',
  IBAN: 'UK.OBIE.IBAN',
};

/** Spaces are a presentation habit ("GB29 NWBK ..."); banks want the compact form. */
export function compact(identification: string): string {
  return identification.replace(/[\s-]/g, '').toUpperCase();
}

/** Why the identification is not valid for its scheme, or undefined when it is. */
export function identificationProblem(id: AccountIdentification): string | undefined {
  if (id.scheme === 'SortCodeAccountNumber') {
    return /^\d{14}$/.test(id.identification)
      ? undefined
      : 'a sort code and account number are 14 digits (6 + 8)';
  }
  return isValidIban(id.identification) ? undefined : 'not a valid IBAN (check digits or format)';
}

/** ISO 13616: country, two check digits, BBAN; mod 97 of the rearranged number is 1. */
export function isValidIban(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  let remainder = 0;
  for (const char of `${iban.slice(4)}${iban.slice(0, 4)}`) {
    const code = char.charCodeAt(0);
    const value = code >= 65 && code <= 90 ? String(code - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}
