/** Exact money arithmetic on decimal strings: BigInt in the finest unit seen, never floats. */

const decimal = /^(\d+)(?:\.(\d+))?$/;

export interface SignedAmount {
  /** Non-negative decimal string, as the connectors normalize it. */
  amount: string;
  creditDebit: string;
}

function parse(amount: string): { units: bigint; scale: number } {
  const m = decimal.exec(amount);
  if (!m) throw new Error(`Not a decimal amount: ${amount}`);
  const fraction = m[2] ?? '';
  return { units: BigInt(`${m[1]}${fraction}`), scale: fraction.length };
}

/** Credits minus debits, as a signed decimal string with the largest scale of the inputs. */
export function signedSum(items: readonly SignedAmount[]): string {
  const parsed = items.map((i) => ({ ...parse(i.amount), debit: i.creditDebit === 'Debit' }));
  const scale = Math.max(2, ...parsed.map((p) => p.scale));
  let total = 0n;
  for (const p of parsed) {
    const units = p.units * 10n ** BigInt(scale - p.scale);
    total += p.debit ? -units : units;
  }
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
  const text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}
