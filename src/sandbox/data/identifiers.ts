import { digits, type Random } from './prng.js';

/** ISO 13616 check digits: move country+00 to the end, letters to numbers, 98 - (n mod 97). */
export function ibanCheckDigits(country: string, bban: string): string {
  const remainder = mod97(`${bban}${country}00`);
  return String(98 - remainder).padStart(2, '0');
}

export function makeIban(country: string, bban: string): string {
  return `${country}${ibanCheckDigits(country, bban)}${bban}`;
}

export function isValidIban(iban: string): boolean {
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}$/.test(iban)) return false;
  return mod97(`${iban.slice(4)}${iban.slice(0, 4)}`) === 1;
}

function mod97(text: string): number {
  let remainder = 0;
  for (const char of text) {
    const code = char.charCodeAt(0);
    const value = code >= 65 && code <= 90 ? String(code - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

/** Four letters for BICs and UK IBAN bank codes, derived from the bank id ('obie-bank' → OBIE). */
export function bankCode(bankId: string): string {
  const letters = bankId.toUpperCase().replace(/[^A-Z]/g, '');
  return `${letters}XXXX`.slice(0, 4);
}

export function bicFor(bankId: string, country: 'GB' | 'DE'): string {
  return `${bankCode(bankId)}${country}${country === 'GB' ? '2L' : 'FF'}`;
}

export interface UkAccountNumber {
  sortCode: string;
  accountNumber: string;
  iban: string;
}

export function ukAccountNumber(random: Random, bank: string): UkAccountNumber {
  const sortCode = `40${digits(random, 4)}`;
  const accountNumber = `${1 + Math.floor(random() * 9)}${digits(random, 7)}`;
  return { sortCode, accountNumber, iban: makeIban('GB', `${bank}${sortCode}${accountNumber}`) };
}

export function germanIban(random: Random, blz: string): string {
  return makeIban('DE', `${blz}${1 + Math.floor(random() * 9)}${digits(random, 9)}`);
}

/** Opaque, stable ids: readable prefix plus hex of a hash, so ids leak no ordering. */
export function opaqueId(prefix: string, hash: number, extra = ''): string {
  return `${prefix}${hash.toString(16).padStart(8, '0')}${extra}`;
}
