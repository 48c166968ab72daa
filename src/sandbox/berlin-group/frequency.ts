/**
 * PSD2 RTS art. 36(5): without the PSU present, at most frequencyPerDay reads per account
 * per day. Counted per consent, account and UTC day; each Berlin Group account endpoint
 * (details, balances, transactions) counts against the same account, and the account
 * list counts under its own key.
 */
export class FrequencyLimiter {
  private readonly used = new Map<string, number>();
  private day = '';

  /** True if the read is allowed (and counted), false once the day's budget is spent. */
  consume(consentId: string, accountKey: string, day: string, limit: number): boolean {
    if (day !== this.day) {
      this.used.clear(); // yesterday's counters can never matter again
      this.day = day;
    }
    const key = `${consentId} ${accountKey}`;
    const count = this.used.get(key) ?? 0;
    if (count >= limit) return false;
    this.used.set(key, count + 1);
    return true;
  }
}
