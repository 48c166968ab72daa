/**
 * Transaction enrichment: a category from our two-level taxonomy, how sure we are and why,
 * and a clean merchant with a stable id. Pure and in process: no external service, no
 * database. Sync time computes the bank-derived part once and stores it; the PSU's
 * corrections, rules and model are applied at read time (see ./psu-enrichment.ts).
 */
import {
  byDirection,
  categoryForBankCodes,
  mayNameMerchant,
  type Direction,
} from './bank-codes.ts';
import { categoryForKeywords } from './keywords.ts';
import { categoryForMcc } from './mcc.ts';
import { cleanMerchant } from './merchants.ts';
import { predict, tokenize, type ModelState } from './model.ts';
import type { Category } from './taxonomy.ts';

export * from './taxonomy.ts';
export { cleanMerchant, merchantId, normaliseMerchant } from './merchants.ts';
export type { Direction } from './bank-codes.ts';
export { emptyModel, parseModel, train, type ModelState } from './model.ts';

/** Why a category was chosen, strongest first. */
export const CategoryReason = {
  /** The PSU set this transaction's category. */
  PsuCorrection: 'PSU_CORRECTION',
  /** The PSU's rule for this merchant. */
  PsuRule: 'PSU_RULE',
  /** The PSU's model, trained on their corrections, was confident enough. */
  Model: 'MODEL',
  /** The merchant is in our dictionary of known merchants. */
  MerchantDictionary: 'MERCHANT_DICTIONARY',
  /** The card's ISO 18245 merchant category code. */
  MerchantCategoryCode: 'MERCHANT_CATEGORY_CODE',
  /** Words on the line that say what for (savings, rent, council tax, a café), see ./keywords.ts. */
  DescriptionKeyword: 'DESCRIPTION_KEYWORD',
  /** The ISO 20022 or the bank's proprietary transaction code. */
  BankTransactionCode: 'BANK_TRANSACTION_CODE',
  /** Nothing better: the direction of the money alone. */
  Default: 'DEFAULT',
} as const;
export type CategoryReason = (typeof CategoryReason)[keyof typeof CategoryReason];

/** What the bank told us about a transaction, standard-neutral (see connectors/connector.ts). */
export interface EnrichmentInput {
  creditDebit: Direction;
  /** OBIE TransactionInformation, Berlin Group remittanceInformationUnstructured. */
  description?: string | null;
  /** OBIE MerchantDetails.MerchantName. */
  merchantName?: string | null;
  /** OBIE MerchantDetails.MerchantCategoryCode (ISO 18245). */
  merchantCategoryCode?: string | null;
  counterpartyName?: string | null;
  /** "PMNT-RCDT-ESCT" (Berlin Group) or "ReceivedCreditTransfers/DomesticCreditTransfer" (OBIE). */
  bankTransactionCode?: string | null;
  /** OBIE ProprietaryBankTransactionCode.Code, e.g. "DD", "BGC", "ATM". */
  proprietaryBankTransactionCode?: string | null;
}

export interface EnrichmentContext extends Personal {
  /**
   * false: the caller may see only what ReadTransactionsBasic shows, so only the bank
   * transaction codes and the direction are used and no merchant is named. Default true.
   */
  detail?: boolean;
}

export interface Enrichment {
  category: Category;
  /** 0–1: how much to trust the category. */
  confidence: number;
  reason: CategoryReason;
  merchant: { id: string; name: string } | null;
}

/** Below this posterior the PSU's model keeps quiet and the defaults speak. */
export const modelThreshold = 0.7;

/** The tokens the PSU's model reads for a transaction (its description, merchant, other party). */
export const modelTokens = (tx: EnrichmentInput): string[] =>
  tokenize(tx.merchantName, tx.description, tx.counterpartyName);

/** What the PSU taught us, for one transaction. */
export interface Personal {
  /** The PSU's category for this very transaction. */
  correction?: Category | null;
  /** The PSU's rules: merchant id → category. */
  rules?: ReadonlyMap<string, Category>;
  /** The PSU's model for this transaction's direction. */
  model?: ModelState | null;
}

/**
 * Corrections beat rules, rules beat the model, the model beats the defaults; among the
 * defaults the most specific source wins: dictionary, then the line's keywords (some only
 * refine the MCC's guess), then MCC, then the bank's codes.
 * A refund keeps its merchant's category so it nets against that spending.
 */
export function enrichTransaction(tx: EnrichmentInput, ctx: EnrichmentContext = {}): Enrichment {
  if (ctx.detail === false) return basicEnrichment(tx);
  return personalise(defaultEnrichment(tx), tx, ctx);
}

/** What ReadTransactionsBasic may see: the bank's codes and the direction, no merchant. */
export function basicEnrichment(tx: EnrichmentInput): Enrichment {
  const codes = categoryForBankCodes(
    tx.bankTransactionCode,
    tx.proprietaryBankTransactionCode,
    tx.creditDebit,
  );
  const g = codes ?? byDirection(tx.creditDebit);
  return {
    ...g,
    reason: codes ? CategoryReason.BankTransactionCode : CategoryReason.Default,
    merchant: null,
  };
}

/** The bank-derived enrichment, before anything the PSU taught: what sync time stores. */
export function defaultEnrichment(tx: EnrichmentInput): Enrichment {
  const codes = categoryForBankCodes(
    tx.bankTransactionCode,
    tx.proprietaryBankTransactionCode,
    tx.creditDebit,
  );
  const clean = cleanMerchant(tx.merchantName) ?? lineMerchant(tx);
  const merchant = clean ? { id: clean.id, name: clean.name } : null;
  const result = (category: Category, confidence: number, reason: CategoryReason) => ({
    category,
    confidence,
    reason,
    merchant,
  });
  const refund = codes?.category.detailed === 'INCOME_REFUND';
  if (clean?.known && (tx.merchantName || !codes || codes.confidence < 0.8 || refund)) {
    return result(clean.known.category, 0.95, CategoryReason.MerchantDictionary);
  }
  const mcc = categoryForMcc(tx.merchantCategoryCode);
  const words = [tx.merchantName, tx.description, tx.counterpartyName].filter(Boolean).join(' ');
  const keyword = categoryForKeywords(words, tx.creditDebit, (mcc ?? codes)?.category);
  if (keyword) {
    return result(keyword.category, keyword.confidence, CategoryReason.DescriptionKeyword);
  }
  if (mcc) return result(mcc.category, mcc.confidence, CategoryReason.MerchantCategoryCode);
  if (codes) return result(codes.category, codes.confidence, CategoryReason.BankTransactionCode);
  const d = byDirection(tx.creditDebit);
  return result(d.category, d.confidence, CategoryReason.Default);
}

/** Applies the PSU's correction, rules and model over the defaults, in that order. */
export function personalise(defaults: Enrichment, tx: EnrichmentInput, p: Personal): Enrichment {
  const merchant = defaults.merchant;
  if (p.correction) {
    return {
      category: p.correction,
      confidence: 1,
      reason: CategoryReason.PsuCorrection,
      merchant,
    };
  }
  const rule = merchant && p.rules?.get(merchant.id);
  if (rule) return { category: rule, confidence: 0.99, reason: CategoryReason.PsuRule, merchant };
  const predicted = p.model ? predict(p.model, modelTokens(tx)) : undefined;
  if (predicted && predicted.probability >= modelThreshold) {
    return {
      category: predicted.category,
      confidence: round(predicted.probability),
      reason: CategoryReason.Model,
      merchant,
    };
  }
  return defaults;
}

/**
 * Without MerchantDetails the merchant hides in the card line or names the direct debit's
 * creditor. Transfers, salary, interest and cash name a person or the bank, not a merchant,
 * unless the line is a merchant we know.
 */
function lineMerchant(tx: EnrichmentInput) {
  const clean = cleanMerchant(tx.description) ?? cleanMerchant(tx.counterpartyName);
  if (!clean) return undefined;
  return clean.known || mayNameMerchant(tx.bankTransactionCode, tx.proprietaryBankTransactionCode)
    ? clean
    : undefined;
}

const round = (n: number) => Math.round(n * 1000) / 1000;
