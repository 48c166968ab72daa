import type { Ledger, LedgerEntry } from './model.js';

/** What has happened at the bank since the history was generated (admin-driven, in memory). */
export interface LedgerEvents {
  /**
   * The bank books every pending entry under a new id (`<id>-B`), as most banks do. The
   * oldest pending card payment of each account is booked `tipPercent` higher (a tip added
   * after the authorisation); the others at the authorised amount.
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
  let booked = ledger.openingBalanceMinor;
  let lastBookedTime = ledger.lastBookedTime;
  const entries = ledger.entries.map((e): LedgerEntry => {
    let entry = e;
    if (e.status === 'pending') {
      const amountMinor =
        e === tipTo
          ? e.amountMinor - Math.round((-e.amountMinor * tipPercent) / 100)
          : e.amountMinor;
      entry = { ...e, transactionId: `${e.transactionId}-B`, status: 'booked', amountMinor };
    }
    booked += entry.amountMinor;
    lastBookedTime = Math.max(lastBookedTime, entry.bookingTime);
    return { ...entry, balanceAfterMinor: booked };
  });
  return { ...ledger, entries, bookedBalanceMinor: booked, pendingMinor: 0, lastBookedTime };
}

function dropNewestBooked(ledger: Ledger, count: number): Ledger {
  const booked = ledger.entries.filter((e) => e.status === 'booked');
  const dropped = new Set(booked.slice(-count));
  return { ...ledger, entries: ledger.entries.filter((e) => !dropped.has(e)) };
}
