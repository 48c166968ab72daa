import type { Clock } from '../../../shared/clock.ts';
import type { AccountsDb } from '../db/client.ts';
import type { TransactionBounds } from '../services/access.ts';
import { enrichTransaction, type Direction, type EnrichmentInput } from './index.ts';
import { detectRecurring, type RecurringStreamValue } from './recurring.ts';
import { spendingTotals, type SpendingGroup, type SpendingTotalValue } from './spending.ts';

interface Row {
  id: string;
  accountId: string;
  amount: string;
  currency: string;
  creditDebit: string;
  bookingDateTime: Date;
  description: string | null;
  counterpartyName: string | null;
  merchantName: string | null;
  merchantCategoryCode: string | null;
}

/**
 * Streams and spending over the sync store, always inside the caller's bounds: only the
 * accounts the consent selected (the caller passes them), only its date window and only its
 * directions are ever loaded. Booked rows only: a pending amount may still change or vanish.
 */
export class EnrichmentReads {
  constructor(
    private readonly db: AccountsDb,
    private readonly clock: Clock,
  ) {}

  async streams(
    accountIds: readonly string[],
    bounds: TransactionBounds,
  ): Promise<RecurringStreamValue[]> {
    if (bounds.empty || accountIds.length === 0) return [];
    const rows = await this.rows(accountIds, bounds, bounds.directions);
    const now = this.clock.now();
    const asOf = bounds.to && bounds.to < now ? bounds.to : now;
    return detectRecurring(
      rows.map((r) => {
        const e = enrichTransaction(inputOf(r));
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

  /** `detail`: whether categories and merchants may use the Detail fields. */
  async spending(
    accountIds: readonly string[],
    bounds: TransactionBounds,
    groupBy: SpendingGroup,
    direction: Direction,
    detail: boolean,
  ): Promise<SpendingTotalValue[]> {
    if (bounds.empty || accountIds.length === 0 || !bounds.directions.includes(direction)) {
      return [];
    }
    const rows = await this.rows(accountIds, bounds, [direction]);
    const enrich =
      groupBy === 'CATEGORY' || groupBy === 'DETAILED_CATEGORY' || groupBy === 'MERCHANT';
    return spendingTotals(
      rows.map((r) => {
        const e = enrich ? enrichTransaction(inputOf(r), { detail }) : undefined;
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

  private async rows(
    accountIds: readonly string[],
    bounds: TransactionBounds,
    directions: readonly string[],
  ): Promise<Row[]> {
    const rows = await this.db.transaction.findMany({
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
    return rows as Row[];
  }
}

/** The bank's codes are read when the store has them (columns added with enrichment). */
function inputOf(r: Row): EnrichmentInput {
  const codes = r as Row & {
    bankTransactionCode?: string | null;
    bankProprietaryCode?: string | null;
  };
  return {
    creditDebit: r.creditDebit as Direction,
    description: r.description,
    merchantName: r.merchantName,
    merchantCategoryCode: r.merchantCategoryCode,
    counterpartyName: r.counterpartyName,
    bankTransactionCode: codes.bankTransactionCode ?? null,
    proprietaryBankTransactionCode: codes.bankProprietaryCode ?? null,
  };
}
