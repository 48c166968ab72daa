import type { Clock } from '../../../shared/clock.ts';
import { AppError, ErrorCode, isAppError } from '../../../shared/errors/index.ts';
import type { Bank, BankDirectory } from '../banks/directory.ts';
import type { BankSession, CallOptions } from '../connectors/index.ts';
import type { SecretBox } from '../../../shared/crypto/secret-box.ts';
import type { AccountsDb } from '../db/client.ts';
import { countBankCall } from './bank-calls.ts';
import type { ConnectionService } from './connection.service.ts';
import { openBankAccountId } from './sealed.ts';
import type { ReconciliationService } from './reconciliation.ts';
import { applyBankTransactions } from './sync-store.ts';

/** Whether the PSU is at the app right now; their IP address says so (FAPI, PSD2). */
export interface Presence {
  psuIpAddress?: string;
}

export type ResourceKind = 'balances' | 'transactions';

export interface BankDataOptions {
  db: AccountsDb;
  banks: BankDirectory;
  connections: ConnectionService;
  box: SecretBox;
  clock: Clock;
  /** Data younger than this is not fetched again. */
  freshnessSeconds: number;
  /**
   * Bank reads per account per 24 h without the PSU present, for every bank; absent: each
   * bank's jurisdiction's rule (src/shared/jurisdiction). Set for a frequency agreed with the
   * banks (RTS art. 36(5)(b)), or a stricter one.
   */
  unattendedReadsPerDay?: number;
  /** How far back the first transaction sync reaches. Default 730 days. */
  historyDays?: number;
  /** Later syncs fetch again from this long before the last one, to see pending → booked. */
  overlapDays?: number;
  /** Checks balances against transactions after each sync (absent: no checks). */
  reconciliation?: ReconciliationService;
}

/** What the freshness check reads of an account's row. */
export interface StoredFreshness {
  id: string;
  connectionId: string;
  bankId: string;
  bankAccountRef: string;
  balancesFetchedAt: Date | null;
  transactionsSyncedAt: Date | null;
  quarantinedAt: Date | null;
}

interface Target {
  id: string;
  connectionId: string;
  bankId: string;
  bankAccountRef: string;
  fetchedAt: Date | null;
}

interface Work {
  kind: ResourceKind;
  bank: Bank;
  session: BankSession;
  targets: (Target & { bankAccountId: string })[];
  call: CallOptions;
  now: Date;
}

const dayMs = 86_400_000;

/**
 * Keeps the store's copy of bank data fresh enough, calling each bank as little as the
 * rules allow: stale accounts are fetched together, one logical call per connection and
 * resource kind (OBIE bulk /balances and /transactions; Berlin Group one account list with
 * balances, and — the standard has no bulk endpoint — one transaction listing per account);
 * fresh ones are not fetched; concurrent requests for the same data share one call; and
 * without the PSU present an account is read at most `unattendedReadsPerDay` times a day.
 *
 * Failures are per connection: the accounts of a failing bank get its error (carrying the
 * bankId), the rest are unaffected.
 */
export class BankDataService {
  private readonly inflight = new Map<string, { ids: Set<string>; done: Promise<void> }>();

  constructor(private readonly o: BankDataOptions) {}

  /** Refreshes what is stale; returns the error of each account that could not be. */
  async refresh(
    kind: ResourceKind,
    accountIds: readonly string[],
    presence: Presence = {},
    /** Told each account's quarantine as read here, or undefined when its bank is called. */
    observed?: (accountId: string, quarantined: boolean | undefined) => void,
  ): Promise<Map<string, Error>> {
    const rows = await this.o.db.account.findMany({
      where: { id: { in: [...new Set(accountIds)] } },
      select: {
        id: true,
        connectionId: true,
        bankId: true,
        bankAccountRef: true,
        balancesFetchedAt: true,
        transactionsSyncedAt: true,
        quarantinedAt: true,
      },
    });
    return (await this.refreshLoaded(kind, rows, presence, observed)).failed;
  }

  /**
   * `refresh` for account rows the caller read earlier in its request (a request's loaders
   * hold them), without reading them again. `stale`: the accounts found stale, whose stored
   * row a bank call in here (or a concurrent one it joined) may have moved since.
   */
  async refreshLoaded(
    kind: ResourceKind,
    accounts: readonly StoredFreshness[],
    presence: Presence = {},
    observed?: (accountId: string, quarantined: boolean | undefined) => void,
  ): Promise<{ failed: Map<string, Error>; stale: Set<string> }> {
    const now = this.o.clock.now();
    const stale: Target[] = [];
    const seen = new Set<string>();
    for (const r of accounts) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      const fetchedAt = kind === 'balances' ? r.balancesFetchedAt : r.transactionsSyncedAt;
      const isStale = !fetchedAt || now.getTime() - fetchedAt.getTime() >= this.freshMs();
      observed?.(r.id, isStale ? undefined : r.quarantinedAt !== null);
      if (isStale) {
        const { id, connectionId, bankId, bankAccountRef } = r;
        stale.push({ id, connectionId, bankId, bankAccountRef, fetchedAt });
      }
    }
    const errors = new Map<string, Error>();
    const groups = new Map<string, Target[]>();
    for (const t of stale) groups.set(t.connectionId, [...(groups.get(t.connectionId) ?? []), t]);
    await Promise.all(
      [...groups].map(async ([connectionId, group]) => {
        const failed = await this.refreshConnection(kind, connectionId, group, presence, now);
        for (const [id, e] of failed) errors.set(id, e);
      }),
    );
    return { failed: errors, stale: new Set(stale.map((t) => t.id)) };
  }

  private async refreshConnection(
    kind: ResourceKind,
    connectionId: string,
    group: Target[],
    presence: Presence,
    now: Date,
  ): Promise<Map<string, Error>> {
    const failed = new Map<string, Error>();
    const key = `${kind}:${connectionId}`;
    const running = this.inflight.get(key);
    let targets = group;
    if (running) {
      const covered = group.filter((t) => running.ids.has(t.id));
      await running.done.catch((e: unknown) => {
        for (const t of covered) failed.set(t.id, asError(e));
      });
      targets = group.filter((t) => !running.ids.has(t.id));
      if (targets.length === 0) return failed;
    }
    const { callable, refused } = await this.withinBudget(targets, presence, now);
    for (const t of refused) {
      // Stale data is still the best answer; with none at all, say why there is none.
      if (!t.fetchedAt) failed.set(t.id, unattendedLimit(t.bankId, this.unattendedLimit(t.bankId)));
    }
    if (callable.length === 0) return failed;
    const done = this.fetch(kind, connectionId, callable, presence, now);
    const entry = { ids: new Set(callable.map((t) => t.id)), done };
    this.inflight.set(key, entry);
    try {
      await done;
    } catch (e) {
      for (const t of callable) failed.set(t.id, asError(e));
    } finally {
      if (this.inflight.get(key) === entry) this.inflight.delete(key);
    }
    return failed;
  }

  private async fetch(
    kind: ResourceKind,
    connectionId: string,
    targets: Target[],
    presence: Presence,
    now: Date,
  ): Promise<void> {
    const bank = this.o.banks.get(targets[0]!.bankId);
    const call: CallOptions = presence.psuIpAddress ? { psuIpAddress: presence.psuIpAddress } : {};
    let session = await this.o.connections.session(connectionId, call);
    const opened = targets.map((t) => ({
      ...t,
      bankAccountId: openBankAccountId(this.o.box, t.id, t.bankAccountRef),
    }));
    // Counted before the call: the bank counts the attempt whatever its outcome.
    await this.o.db.bankRead.createMany({
      data: targets.map((t) => ({
        accountId: t.id,
        kind,
        psuPresent: !!call.psuIpAddress,
        at: now,
      })),
    });
    const run = (s: BankSession) => {
      countBankCall(bank.definition.id, kind);
      const work: Work = { kind, bank, session: s, targets: opened, call, now };
      return kind === 'balances' ? this.fetchBalances(work) : this.fetchTransactions(work);
    };
    try {
      await run(session);
    } catch (error) {
      // An OBIE access token can end before the bank said it would (revoked, rotated keys):
      // one refresh and one more try, before the PSU is asked to connect again.
      const refused = isAppError(error) && error.details['reason'] === 'consent_invalid';
      if (!refused || !session.refreshToken) throw error;
      session = await this.o.connections.session(connectionId, call, true);
      await run(session);
    }
    await this.o.reconciliation?.afterSync(targets.map((t) => t.id));
  }

  private async fetchBalances({ bank, session, targets, call, now }: Work): Promise<void> {
    const ids = targets.map((t) => t.bankAccountId);
    const balances = await bank.connector.getBalances(session, ids, call);
    const accountOf = new Map(targets.map((t) => [t.bankAccountId, t.id]));
    const accountIds = targets.map((t) => t.id);
    await this.o.db.$transaction(async (tx) => {
      await tx.balance.deleteMany({ where: { accountId: { in: accountIds } } });
      await tx.balance.createMany({
        data: balances.map((b) => ({
          accountId: accountOf.get(b.bankAccountId)!,
          type: b.type,
          amount: b.amount,
          currency: b.currency,
          creditDebit: b.creditDebit,
          dateTime: new Date(b.dateTime),
        })),
      });
      await tx.account.updateMany({
        where: { id: { in: accountIds } },
        data: { balancesFetchedAt: now },
      });
    });
  }

  private async fetchTransactions({ bank, session, targets, call, now }: Work): Promise<void> {
    const overlapMs = (this.o.overlapDays ?? 7) * dayMs;
    // From the start of that day: banks keep history by calendar day.
    const earliest =
      Math.floor((now.getTime() - (this.o.historyDays ?? 730) * dayMs) / dayMs) * dayMs;
    // One range for the whole call (OBIE's bulk endpoint takes one): the widest any needs.
    const from = new Date(
      Math.min(
        ...targets.map((t) =>
          t.fetchedAt ? Math.max(earliest, t.fetchedAt.getTime() - overlapMs) : earliest,
        ),
      ),
    );
    const reported = await bank.connector.getTransactions(
      session,
      {
        bankAccountIds: targets.map((t) => t.bankAccountId),
        from: from.toISOString(),
        to: now.toISOString(),
      },
      call,
    );
    await applyBankTransactions(
      this.o.db,
      targets.map((t) => ({
        accountId: t.id,
        bankAccountId: t.bankAccountId,
        country: bank.definition.country,
      })),
      { from, to: now },
      reported,
      now,
    );
  }

  private async withinBudget(
    targets: Target[],
    presence: Presence,
    now: Date,
  ): Promise<{ callable: Target[]; refused: Target[] }> {
    if (presence.psuIpAddress || targets.length === 0) return { callable: targets, refused: [] };
    const reads = await this.o.db.bankRead.groupBy({
      by: ['accountId'],
      where: {
        accountId: { in: targets.map((t) => t.id) },
        psuPresent: false,
        at: { gt: new Date(now.getTime() - dayMs) },
      },
      _count: { _all: true },
    });
    const used = new Map(reads.map((r) => [r.accountId, r._count._all]));
    const callable: Target[] = [];
    const refused: Target[] = [];
    for (const t of targets) {
      ((used.get(t.id) ?? 0) < this.unattendedLimit(t.bankId) ? callable : refused).push(t);
    }
    return { callable, refused };
  }

  private unattendedLimit(bankId: string): number {
    return this.o.unattendedReadsPerDay ?? this.o.banks.get(bankId).rules.unattendedReadsPerDay;
  }

  private freshMs(): number {
    return this.o.freshnessSeconds * 1000;
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

function unattendedLimit(bankId: string, perDay: number): AppError {
  return new AppError(
    ErrorCode.RATE_LIMITED,
    `Bank ${bankId}: this account was read ${perDay} times in 24 hours without the PSU present (PSD2)`,
    { bankId, reason: 'unattended_access_limit' },
  );
}
