/** Wire formatting shared by both standards. */

/** Minor units to a decimal string without sign: 12345 → "123.45". */
export function formatMinor(minor: number): string {
  const abs = Math.abs(minor);
  return `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Signed decimal string as Berlin Group sends it: debits carry a minus. */
export function formatSignedMinor(minor: number): string {
  return `${minor < 0 ? '-' : ''}${formatMinor(minor)}`;
}

/** ISO 8601 with an explicit offset and no milliseconds, as the OBIE examples show. */
export function formatDateTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}+00:00`;
}

export function formatDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

export const DAY_MS = 86_400_000;
