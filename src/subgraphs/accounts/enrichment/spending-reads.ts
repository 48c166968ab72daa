import type { Clock } from '../../../shared/clock.ts';
import type { AccountsDb } from '../db/client.ts';
import type { TransactionBounds } from '../services/access.ts';
import { CategoryService } from '../services/category.service.ts';
import {
  basicEnrichment,
  categoryOf,
  personalise,
  type Category,
  type Direction,
  type Enrichment,
} from './index.ts';
import { detectRecurring, type RecurringStreamValue } from './recurring.ts';
import { spendingTotals, type SpendingGroup, type SpendingTotalValue } from './spending.ts';
import { fromStored, inputOf, type EnrichableRow } from './stored.ts';

type Row = EnrichableRow & {
  id: string;
  accountId: string;
  amount: string;
  currency: string;
  bookingDateTime: Date;
};

/** Who is asking: the Detail view may use the merchant, the line and the PSU's teaching. */
export interface EnrichmentView {
  detail: boolean;
  psuId: string;
}

/**
 * Streams and spending over the sync store, always inside the caller's bounds: only the
 * accounts the consent selected (the caller passes them), only its date window and only its
 * directions are ever loaded. Booked rows only: a pending amount may still change or vanish.
 * Categories are those `Transaction.category` shows the same caller: the stored bank-derived
 * ones with the PSU's corrections, rules and model over them (Detail), or the bank codes' alone
 * (Basic).
 */
export class EnrichmentReads {
  private readonly categories: CategoryService;

  constructor(
    private readonly db: AccountsDb,
    private readonly clock: Clock,
  ) {
    this.categories = new CategoryService(db, clock);
  }

  async streams(
    accountIds: readonly string[],
    bounds: TransactionBounds,
    psuId: string,
  ): Promise<RecurringStreamValue[]> {
    if (bounds.empty || accountIds.length === 0) return [];
    const rows = await this.rows(accountIds, bounds, bounds.directions);
    const enrich = await this.enricher({ detail: true, psuId });
    const now = this.clock.now();
    const asOf = bounds.to && bounds.to < now ? bounds.to : now;
    return detectRecurring(
      rows.map((r) => {
        const e = enrich(r);
        return {
          id: r.id,
          accountId: r.accountId,
          amount: r.amount,
          currency: r.currency,
          creditDebit: r.creditDebit,
          bookedAt: r.bookingDateTime,
          description: r.description,
          merchantName: e.merchant?.name ?? null,
          counterpartyName: r.counterpartyName,
          category: e.category.detailed,
        };
      }),
      asOf,
    );
  }

  async spending(
    accountIds: readonly string[],
    bounds: TransactionBounds,
    groupBy: SpendingGroup,
    direction: Direction,
    view: EnrichmentView,
  ): Promise<SpendingTotalValue[]> {
    if (bounds.empty || accountIds.length === 0 || !bounds.directions.includes(direction)) {
      return [];
    }
    const rows = await this.rows(accountIds, bounds, [direction]);
    const enrich = groupBy === 'MONTH' ? undefined : await this.enricher(view);
    return spendingTotals(
      rows.map((r) => {
        const e = enrich?.(r);
        return {
          amount: r.amount,
          currency: r.currency,
          creditDebit: r.creditDebit,
          bookedAt: r.bookingDateTime,
          category: e?.category.detailed ?? null,
          merchantName: e?.merchant?.name ?? null,
        };
      }),
      groupBy,
      direction,
    );
  }

  /** One request's enrichment: the PSU's teaching and corrections are loaded once. */
  private async enricher(view: EnrichmentView): Promise<(r: Row) => Enrichment> {
    if (!view.detail) return (r) => basicEnrichment(inputOf(r));
    const [[teaching], corrections] = await Promise.all([
      this.categories.teaching([view.psuId]),
      // All of the PSU's corrections: few, and cheaper than an IN list of every row in range.
      this.db.categoryCorrection.findMany({
        where: { psuId: view.psuId },
        select: { transactionId: true, categoryDetailed: true },
      }),
    ]);
    const corrected = new Map<string, Category | undefined>(
      corrections.map((c) => [c.transactionId, categoryOf(c.categoryDetailed)]),
    );
    return (r) =>
      personalise(fromStored(r), inputOf(r), {
        correction: corrected.get(r.id) ?? null,
        rules: teaching?.rules,
        model: teaching?.models[r.creditDebit as Direction] ?? null,
      });
  }

  private async rows(
    accountIds: readonly string[],
    bounds: TransactionBounds,
    directions: readonly string[],
  ): Promise<Row[]> {
    return this.db.transaction.findMany({
      where: {
        accountId: { in: [...accountIds] },
        removedAt: null,
        status: 'Booked',
        creditDebit: { in: [...directions] },
        ...(bounds.from || bounds.to
          ? { bookingDateTime: { gte: bounds.from, lte: bounds.to } }
          : {}),
      },
      orderBy: [{ bookingDateTime: 'asc' }, { id: 'asc' }],
    });
  }
}
