import type { StateStore } from '../state.js';

/** Reads counted on one UTC day; a count from an earlier day is worth nothing. */
export interface DayCount {
  day: string;
  count: number;
}

/**
 * PSD2 RTS art. 36(5): without the PSU present, at most frequencyPerDay reads per account
 * per day. Counted per consent, account and UTC day; each Berlin Group account endpoint
 * (details, balances, transactions) counts against the same account, and the account
 * list counts under its own key.
 */
export class FrequencyLimiter {
  constructor(private readonly used: StateStore<DayCount>) {}

  /** True if the read is allowed (and counted), false once the day's budget is spent. */
  consume(consentId: string, accountKey: string, day: string, limit: number): boolean {
    const key = `${consentId} ${accountKey}`;
    const entry = this.used.get(key);
    const count = entry?.day === day ? entry.count : 0;
    if (count >= limit) return false;
    this.used.set(key, { day, count: count + 1 });
    return true;
  }
}
