import type { Ledger, LedgerEntry } from './model.js';

/** What has happened at the bank since the history was generated (admin-driven, in memory). */
export interface LedgerEvents {
  /**
   * The bank books every pending entry under a new id (`<id>-B`), as most banks do, one
   * second apart after everything already booked. The oldest pending card payment of each
   * account at a merchant no other pending entry names is booked `tipPercent` higher (a tip
   * added after the authorisation); the others at the authorised amount.
   */
  settled?: { tipPercent: number };
  /**
   * A fault: the newest `dropBooked` booked entries of each account are left out of every
   * listing while the balances still count them, so the two no longer add up.
   */
  dropBooked?: number;
}

export function applyEvents(ledger: Ledger, events: LedgerEvents): Ledger {
  let out = events.settled ? settle(ledger, events.settled.tipPercent) : ledger;
  if (events.dropBooked) out = dropNewestBooked(out, events.dropBooked);
  return out;
}

function settle(ledger: Ledger, tipPercent: number): Ledger {
  const pending = ledger.entries.filter((e) => e.status === 'pending');
  const merchantOf = (e: LedgerEntry) => e.merchant?.name ?? e.information;
  // Only where the bank's data leaves no doubt which authorisation it was: a tip on one of
  // two pending payments at the same shop is ambiguous, and meant to be.
  const tipTo = pending.find(
    (e) =>
      e.kind === 'card' &&
      e.amountMinor < 0 &&
      pending.every((o) => o === e || merchantOf(o) !== merchantOf(e)),
  );
  // Booked now, after everything already on the books, as a bank books a card payment when
  // it clears: the running balances already reported do not change.
  const end = Math.max(ledger.lastBookedTime, ...ledger.entries.map((e) => e.bookingTime));
  let booked = ledger.bookedBalanceMinor;
  const settled = pending.map((e, i): LedgerEntry => {
    const amountMinor =
      e === tipTo ? e.amountMinor - Math.round((-e.amountMinor * tipPercent) / 100) : e.amountMinor;
    booked += amountMinor;
    return {
      ...e,
      transactionId: `${e.transactionId}-B`,
      status: 'booked',
      bookingTime: end + (i + 1) * 1000,
      amountMinor,
      balanceAfterMinor: booked,
    };
  });
  return {
    ...ledger,
    entries: [...ledger.entries.filter((e) => e.status !== 'pending'), ...settled],
    bookedBalanceMinor: booked,
    pendingMinor: 0,
    lastBookedTime: settled.at(-1)?.bookingTime ?? ledger.lastBookedTime,
  };
}

function dropNewestBooked(ledger: Ledger, count: number): Ledger {
  const booked = ledger.entries.filter((e) => e.status === 'booked');
  const dropped = new Set(booked.slice(-count));
  return { ...ledger, entries: ledger.entries.filter((e) => !dropped.has(e)) };
}
