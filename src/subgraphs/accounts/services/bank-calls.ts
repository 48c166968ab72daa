import { bankCalls } from '../../../shared/metrics/index.ts';

export type BankCallKind = 'consent' | 'token' | 'accounts' | 'balances' | 'transactions';

/** One logical bank call (its pages and retries included) on the bank-calls metric. */
export function countBankCall(bankId: string, kind: BankCallKind): void {
  bankCalls.inc({ bank: bankId, kind });
}
