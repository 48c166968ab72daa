import {
  makeParties,
  PENDING_WINDOW_MS,
  randomDrafts,
  recurringDrafts,
  toMinor,
  type Draft,
  type LedgerSpec,
} from './drafts.js';
import type { Ledger, LedgerEntry, TransactionKind } from './model.js';
import { digits, hashSeed, intBetween, mulberry32, type Random } from './prng.js';

export type { LedgerSpec };

const SAVINGS_RATE = 0.035;

/** Deterministic history for one account: same spec, same entries, byte for byte. */
export function generateLedger(spec: LedgerSpec): Ledger {
  const random = mulberry32(spec.account.seed);
  // Counterparties come from their own stream so adding one does not reshuffle the history.
  const parties = makeParties(spec, mulberry32(hashSeed(spec.account.seed, 'parties')));
  const recurring = recurringDrafts(spec, parties, random);
  const drafts = [
    ...recurring,
    ...randomDrafts(spec, parties, random, spec.count - recurring.length),
  ];
  drafts.sort((a, b) => a.time - b.time);
  sizeSalary(drafts);
  return post(spec, drafts, random);
}

/** One salary covers the month's spending and a little more, whatever the density. */
function sizeSalary(drafts: Draft[]): void {
  const salaries = drafts.filter((d) => d.kind === 'salary');
  if (salaries.length === 0) return;
  const net = drafts.reduce((sum, d) => sum + (d.amountMinor ?? 0), 0);
  const monthly = Math.max(180_000, Math.ceil((-net * 1.05) / salaries.length / 100) * 100);
  for (const salary of salaries) salary.amountMinor = monthly;
}

function post(spec: LedgerSpec, drafts: Draft[], random: Random): Ledger {
  const chosen =
    spec.account.product === 'current'
      ? toMinor(intBetween(random, 500, 3000))
      : toMinor(intBetween(random, 1000, 15000));
  // Start high enough that the booked balance never goes below zero: dense histories
  // spend a month's salary before it arrives.
  const opening = Math.max(chosen, -lowestRunningTotal(spec, drafts) + toMinor(250));
  let booked = opening;
  let pending = 0;
  let lastBookedTime = spec.start;
  const entries: LedgerEntry[] = drafts.map((draft, index) => {
    const amountMinor =
      draft.kind === 'interest'
        ? Math.max(1, Math.round((Math.max(booked, 0) * SAVINGS_RATE) / 12))
        : (draft.amountMinor ?? 0);
    const isPending = isPendingDraft(spec, draft);
    const entry: LedgerEntry = {
      transactionId: `${spec.account.accountId}-${String(index).padStart(5, '0')}`,
      reference: `${referencePrefix[draft.kind]}${digits(random, 10)}`,
      kind: draft.kind,
      bookingTime: draft.time,
      valueTime: draft.time,
      amountMinor,
      status: isPending ? 'pending' : 'booked',
      information: draft.information,
    };
    if (draft.merchant) {
      entry.merchant = { name: draft.merchant.name, categoryCode: draft.merchant.categoryCode };
    }
    if (draft.counterparty) entry.counterparty = draft.counterparty;
    if (draft.card) entry.card = draft.card;
    if (isPending) {
      pending += amountMinor;
    } else {
      booked += amountMinor;
      lastBookedTime = draft.time;
      entry.balanceAfterMinor = booked;
    }
    return entry;
  });
  return {
    openingBalanceMinor: opening,
    bookedBalanceMinor: booked,
    pendingMinor: pending,
    entries,
    lastBookedTime,
  };
}

function isPendingDraft(spec: LedgerSpec, draft: Draft): boolean {
  return (
    draft.forcePending === true ||
    (draft.kind === 'card' && draft.time >= spec.end - PENDING_WINDOW_MS)
  );
}

function lowestRunningTotal(spec: LedgerSpec, drafts: readonly Draft[]): number {
  let total = 0;
  let lowest = 0;
  for (const draft of drafts) {
    if (isPendingDraft(spec, draft)) continue;
    total += draft.amountMinor ?? 0;
    lowest = Math.min(lowest, total);
  }
  return lowest;
}

const referencePrefix: Readonly<Record<TransactionKind, string>> = {
  salary: 'SAL',
  card: 'CRD',
  'direct-debit': 'DDR',
  'standing-order': 'STO',
  'transfer-in': 'TRI',
  'transfer-out': 'TRO',
  'cash-withdrawal': 'ATM',
  interest: 'INT',
  refund: 'RFD',
};
