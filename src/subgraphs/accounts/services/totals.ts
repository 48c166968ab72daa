import { isAppError, upstreamUnavailable } from '../../../shared/errors/index.ts';
import type { Balance } from '../schema/account.type.ts';
import { signedSum } from './money.ts';

export interface CurrencyTotalValue {
  currency: string;
  amount: string;
  accountCount: number;
}

/** The balance that best says "what is there now": available before booked, interim first. */
const preference = [
  'InterimAvailable',
  'ClosingAvailable',
  'Expected',
  'ForwardAvailable',
  'OpeningAvailable',
  'InterimBooked',
  'ClosingBooked',
  'OpeningBooked',
];

/**
 * Per currency, the sum of each account's preferred balance. A total is never partial:
 * when any account's balances could not be had, this fails naming the banks that failed,
 * rather than report a sum that silently leaves money out.
 */
export function currencyTotals(perAccount: readonly (Balance[] | Error)[]): CurrencyTotalValue[] {
  const failures = perAccount.filter((b): b is Error => b instanceof Error);
  if (failures.length > 0) {
    const bankIds = [...new Set(failures.map(bankIdOf).filter((b) => b !== undefined))].sort();
    throw upstreamUnavailable(`Balances missing from: ${bankIds.join(', ') || 'unknown'}`, {
      bankIds,
      bankId: bankIds[0],
    });
  }
  const chosen = (perAccount as Balance[][])
    .map((balances) => {
      const ranked = balances
        .filter((b) => preference.includes(b.type))
        .sort((a, b) => preference.indexOf(a.type) - preference.indexOf(b.type));
      return ranked[0];
    })
    .filter((b): b is Balance => b !== undefined);
  const byCurrency = new Map<string, Balance[]>();
  for (const b of chosen) byCurrency.set(b.currency, [...(byCurrency.get(b.currency) ?? []), b]);
  return [...byCurrency]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, balances]) => ({
      currency,
      amount: signedSum(balances),
      accountCount: balances.length,
    }));
}

function bankIdOf(e: Error): string | undefined {
  const bankId = isAppError(e) ? e.details['bankId'] : undefined;
  return typeof bankId === 'string' ? bankId : undefined;
}
