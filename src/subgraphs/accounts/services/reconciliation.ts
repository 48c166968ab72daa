import type { Clock } from '../../../shared/clock.ts';
import type { AccountsDb } from '../db/client.ts';
import { signedSum } from './money.ts';

/** Balance types that count booked entries only, best first (OBIE names; BG maps onto them). */
const bookedTypes = ['InterimBooked', 'ClosingBooked'];

/** released: the figures differ from the baseline as an operator accepted them. */
export type ReconcileStatus = 'clean' | 'baseline' | 'released' | 'discrepancy' | 'unchecked';

export interface ReconcileFigures {
  accountId: string;
  status: ReconcileStatus;
  bookedBalance: string | null;
  balanceDateTime: Date | null;
  /** Credits minus debits of the booked transactions stored, removed ones left out. */
  transactionsSum: string | null;
  /** bookedBalance − transactionsSum at the last clean check (what it must stay). */
  expectedOffset: string | null;
  actualOffset: string | null;
  /** actual − expected: money the bank's balance has that its transactions do not explain. */
  difference: string | null;
  /** Gaps in the running balance the bank reports per entry (0 where it reports none). */
  runningBalanceGaps: number;
  quarantined: boolean;
}

/**
 * The pure check: booked transactions explain the change in booked balance between syncs
 * exactly when balance − Σ booked transactions (the part before our history) did not move.
 * No baseline yet: this one becomes it.
 */
export function compareOffsets(
  expected: string | null,
  bookedBalance: string,
  transactionsSum: string,
): { actual: string; difference: string | null; clean: boolean } {
  const actual = subtract(bookedBalance, transactionsSum);
  if (expected === null) return { actual, difference: null, clean: true };
  const difference = subtract(actual, expected);
  return { actual, difference, clean: isZero(difference) };
}

export interface RunningEntry {
  amount: string;
  creditDebit: string;
  bookingDateTime: Date;
  balanceAfter: string | null;
}

/**
 * Booked entries whose balance before (balance after − amount) is no entry's balance after:
 * each is an entry missing, or one the bank counted and did not list. Order-free, so entries
 * booked at the same instant need no tie-break. Only entries after the newest one without a
 * running balance are looked at, and those at the earliest instant of them are not counted
 * (what came before them is outside what is checked).
 */
export function runningBalanceGaps(entries: readonly RunningEntry[]): number {
  const cutoff = Math.max(
    -Infinity,
    ...entries.filter((e) => e.balanceAfter === null).map((e) => e.bookingDateTime.getTime()),
  );
  const checked = entries.filter(
    (e): e is RunningEntry & { balanceAfter: string } =>
      e.balanceAfter !== null && e.bookingDateTime.getTime() > cutoff,
  );
  if (checked.length === 0) return 0;
  const first = Math.min(...checked.map((e) => e.bookingDateTime.getTime()));
  const afters = new Set(checked.map((e) => canonical(e.balanceAfter)));
  let gaps = 0;
  for (const e of checked) {
    if (e.bookingDateTime.getTime() === first) continue;
    const before = signedSum([
      unsigned(e.balanceAfter),
      { ...e, creditDebit: flip(e.creditDebit) },
    ]);
    if (!afters.has(before)) gaps++;
  }
  return gaps;
}

/**
 * Reconciles accounts after their syncs and keeps the quarantine: a discrepancy is recorded
 * (ReconciliationDiscrepancy) and sets Account.quarantinedAt; the next clean check or an
 * operator's release lifts it. An account is checked only when both its balances and its
 * transactions were fetched since its last check, so the two describe nearly one moment.
 */
export class ReconciliationService {
  constructor(
    private readonly db: AccountsDb,
    private readonly clock: Clock,
  ) {}

  /** The last check of each account in progress: the next one waits for it. */
  private readonly running = new Map<string, Promise<unknown>>();

  /**
   * After a sync: checks the accounts whose balances and transactions are both new. One
   * request's balances and transactions syncs finish together; one at a time, the second
   * finds the account checked already instead of recording the same discrepancy twice.
   */
  afterSync(accountIds: readonly string[]): Promise<ReconcileFigures[]> {
    const before = Promise.all(accountIds.map((id) => this.running.get(id)));
    const run = before.then(() => this.checkDue(accountIds));
    const done = run.catch(() => undefined);
    for (const id of accountIds) this.running.set(id, done);
    void done.then(() => {
      for (const id of accountIds) if (this.running.get(id) === done) this.running.delete(id);
    });
    return run;
  }

  private async checkDue(accountIds: readonly string[]): Promise<ReconcileFigures[]> {
    const rows = await this.db.account.findMany({
      where: { id: { in: [...accountIds] } },
      select: { id: true, balancesFetchedAt: true, transactionsSyncedAt: true, reconciledAt: true },
    });
    const due = rows.filter(
      (r) =>
        r.balancesFetchedAt &&
        r.transactionsSyncedAt &&
        (!r.reconciledAt ||
          (r.balancesFetchedAt > r.reconciledAt && r.transactionsSyncedAt > r.reconciledAt)),
    );
    return Promise.all(due.map((r) => this.reconcile(r.id, true)));
  }

  /** Figures for one account; with `record`, the outcome is stored and the quarantine kept. */
  async reconcile(accountId: string, record: boolean): Promise<ReconcileFigures> {
    const now = this.clock.now();
    return this.db.$transaction(async (tx) => {
      const account = await tx.account.findUniqueOrThrow({
        where: { id: accountId },
        select: {
          reconcileOffset: true,
          releasedOffset: true,
          quarantinedAt: true,
          transactionsSyncedAt: true,
        },
      });
      const balances = await tx.balance.findMany({
        where: { accountId, type: { in: bookedTypes } },
      });
      const balance = balances.sort(
        (a, b) => bookedTypes.indexOf(a.type) - bookedTypes.indexOf(b.type),
      )[0];
      const figures: ReconcileFigures = {
        accountId,
        status: 'unchecked',
        bookedBalance: null,
        balanceDateTime: null,
        transactionsSum: null,
        expectedOffset: account.reconcileOffset,
        actualOffset: null,
        difference: null,
        runningBalanceGaps: 0,
        quarantined: account.quarantinedAt !== null,
      };
      if (!balance || !account.transactionsSyncedAt) return figures;
      const booked = await tx.transaction.findMany({
        where: { accountId, status: 'Booked', removedAt: null },
        select: { amount: true, creditDebit: true, bookingDateTime: true, balanceAfter: true },
      });
      const bookedBalance = signedSum([balance]);
      const transactionsSum = signedSum(booked);
      const gaps = runningBalanceGaps(booked);
      const offsets = compareOffsets(account.reconcileOffset, bookedBalance, transactionsSum);
      const { actual, difference } = offsets;
      const clean = offsets.clean && gaps === 0;
      // A release accepts the figures as they were: the same offset, no new running gaps.
      const accepted = !clean && account.releasedOffset === actual;
      Object.assign(figures, {
        bookedBalance,
        balanceDateTime: balance.dateTime,
        transactionsSum,
        actualOffset: actual,
        difference,
        runningBalanceGaps: gaps,
        status:
          account.reconcileOffset === null && clean
            ? 'baseline'
            : clean
              ? 'clean'
              : accepted
                ? 'released'
                : 'discrepancy',
      });
      if (!record) return figures;
      if (accepted) {
        await tx.account.update({ where: { id: accountId }, data: { reconciledAt: now } });
        return figures;
      }
      if (clean) {
        await tx.account.update({
          where: { id: accountId },
          data: {
            reconcileOffset: actual,
            reconciledAt: now,
            quarantinedAt: null,
            releasedOffset: null,
          },
        });
        if (account.quarantinedAt) await resolve(tx, accountId, now, 'clean_resync', null);
        figures.quarantined = false;
        return figures;
      }
      await tx.reconciliationDiscrepancy.create({
        data: {
          accountId,
          detectedAt: now,
          bookedBalance,
          balanceDateTime: balance.dateTime,
          transactionsSum,
          expectedOffset: account.reconcileOffset ?? actual,
          actualOffset: actual,
          difference: difference ?? '0.00',
          runningBalanceGaps: gaps,
        },
      });
      await tx.account.update({
        where: { id: accountId },
        data: {
          // A first check with gaps still fixes the baseline: the offset itself is all we have.
          reconcileOffset: account.reconcileOffset ?? actual,
          reconciledAt: now,
          quarantinedAt: account.quarantinedAt ?? now,
          releasedOffset: null,
        },
      });
      figures.quarantined = true;
      return figures;
    });
  }

  /** Every account's figures, without changing anything (the `reconcile` command). */
  async report(): Promise<ReconcileFigures[]> {
    const ids = await this.db.account.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
    const out: ReconcileFigures[] = [];
    for (const { id } of ids) out.push(await this.reconcile(id, false));
    return out;
  }

  /**
   * An operator accepts the account's data as it is: the quarantine is lifted and its open
   * discrepancies resolved as released. The same figures again are no new discrepancy; the
   * baseline is kept, so the bank putting things right reads as a clean resync, and any
   * other change is a new discrepancy.
   */
  async release(accountId: string, by: string): Promise<ReconcileFigures | undefined> {
    const exists = await this.db.account.findUnique({ where: { id: accountId } });
    if (!exists) return undefined;
    const figures = await this.reconcile(accountId, false);
    const now = this.clock.now();
    await this.db.$transaction(async (tx) => {
      await tx.account.update({
        where: { id: accountId },
        data: { quarantinedAt: null, releasedOffset: figures.actualOffset },
      });
      await resolve(tx, accountId, now, 'released', by);
    });
    return { ...figures, quarantined: false };
  }

  /** Which of these accounts are quarantined now. */
  async quarantined(accountIds: readonly string[]): Promise<string[]> {
    if (accountIds.length === 0) return [];
    const rows = await this.db.account.findMany({
      where: { id: { in: [...accountIds] }, quarantinedAt: { not: null } },
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    return rows.map((r) => r.id);
  }
}

type Tx = Parameters<Parameters<AccountsDb['$transaction']>[0]>[0];

async function resolve(
  tx: Tx,
  accountId: string,
  at: Date,
  resolution: 'clean_resync' | 'released',
  by: string | null,
): Promise<void> {
  await tx.reconciliationDiscrepancy.updateMany({
    where: { accountId, resolvedAt: null },
    data: { resolvedAt: at, resolution, resolvedBy: by },
  });
}

function subtract(a: string, b: string): string {
  return signedSum([unsigned(a), { ...unsigned(b), creditDebit: flip(unsigned(b).creditDebit) }]);
}

function unsigned(signed: string): { amount: string; creditDebit: string } {
  return signed.startsWith('-')
    ? { amount: signed.slice(1), creditDebit: 'Debit' }
    : { amount: signed, creditDebit: 'Credit' };
}

const flip = (cd: string) => (cd === 'Debit' ? 'Credit' : 'Debit');
const canonical = (signed: string) => signedSum([unsigned(signed)]);
const isZero = (s: string) => /^-?0(\.0*)?$/.test(s);
