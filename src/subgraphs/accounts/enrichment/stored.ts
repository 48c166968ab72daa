/**
 * The bank-derived enrichment as sync time stores it on the transaction row, and back.
 * Bump enrichmentVersion when the tables or rules here change: rows of an older version are
 * recomputed on the next sync and, until then, at read time.
 */
import type { Direction } from './bank-codes.ts';
import {
  defaultEnrichment,
  type CategoryReason,
  type Enrichment,
  type EnrichmentInput,
} from './index.ts';
import { categoryOf } from './taxonomy.ts';

// 2: keyword rules, refunds of known merchants, more dictionary entries (3 Dec 2026).
export const enrichmentVersion = 2;

export interface StoredEnrichment {
  enrichmentVersion: number | null;
  categoryDetailed: string | null;
  categoryConfidence: number | null;
  categoryReason: string | null;
  merchantId: string | null;
  merchantDisplayName: string | null;
}

/** What a transaction row holds that enrichment reads (the store's column names). */
export interface EnrichableRow extends Partial<StoredEnrichment> {
  creditDebit: string;
  description: string | null;
  counterpartyName: string | null;
  merchantName: string | null;
  merchantCategoryCode: string | null;
  bankTransactionCode: string | null;
  bankProprietaryCode: string | null;
}

export const inputOf = (row: EnrichableRow): EnrichmentInput => ({
  creditDebit: row.creditDebit as Direction,
  description: row.description,
  merchantName: row.merchantName,
  merchantCategoryCode: row.merchantCategoryCode,
  counterpartyName: row.counterpartyName,
  bankTransactionCode: row.bankTransactionCode,
  proprietaryBankTransactionCode: row.bankProprietaryCode,
});

export function toStored(row: EnrichableRow): StoredEnrichment {
  const e = defaultEnrichment(inputOf(row));
  return {
    enrichmentVersion,
    categoryDetailed: e.category.detailed,
    categoryConfidence: e.confidence,
    categoryReason: e.reason,
    merchantId: e.merchant?.id ?? null,
    merchantDisplayName: e.merchant?.name ?? null,
  };
}

/** The stored enrichment, or a fresh one when the row predates the current version. */
export function fromStored(row: EnrichableRow): Enrichment {
  const category = row.categoryDetailed ? categoryOf(row.categoryDetailed) : undefined;
  if (row.enrichmentVersion !== enrichmentVersion || !category) {
    return defaultEnrichment(inputOf(row));
  }
  return {
    category,
    confidence: row.categoryConfidence ?? 0,
    reason: row.categoryReason as CategoryReason,
    merchant:
      row.merchantId && row.merchantDisplayName
        ? { id: row.merchantId, name: row.merchantDisplayName }
        : null,
  };
}
