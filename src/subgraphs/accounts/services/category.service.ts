import { randomUUID } from 'node:crypto';
import { badInput, notFound } from '../../../shared/errors/index.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import type { AccountsDb } from '../db/client.ts';
import {
  categoryOf,
  emptyModel,
  parseModel,
  train,
  type Category,
  type Direction,
  type ModelState,
} from '../enrichment/index.ts';
import { modelTokens } from '../enrichment/index.ts';
import { inputOf } from '../enrichment/stored.ts';
import type { TransactionBounds } from './access.ts';
import { boundsWhere } from './transaction.service.ts';

/** Who writes a correction: a client app acting for a PSU under one of their consents. */
export interface Corrector {
  psuId: string;
  clientId: string;
  consentId: string | null;
  /** The accounts and rows the consent shows: only those may be corrected. */
  accountIds: readonly string[];
  bounds: TransactionBounds;
}

/** What the PSU taught us, loaded once per request (rules and both models). */
export interface PsuTeaching {
  rules: ReadonlyMap<string, Category>;
  models: Readonly<Record<Direction, ModelState | null>>;
}

export interface CategoryRuleRow {
  id: string;
  merchantId: string;
  category: Category;
  createdAt: Date;
}

const merchantIdPattern = /^mer_[A-Za-z0-9_-]{16}$/;

/**
 * The PSU's corrections, rules and per-direction models. A correction is also a training
 * example: setting or changing one retrains the model in the same database transaction, so
 * model and corrections agree. Rules and corrections belong to the PSU and apply
 * in every client's view; a client lists and deletes only the rules it made.
 */
export class CategoryService {
  constructor(
    private readonly db: AccountsDb,
    private readonly clock: Clock = systemClock,
  ) {}

  async teaching(psuIds: readonly string[]): Promise<PsuTeaching[]> {
    const [rules, models] = await Promise.all([
      this.db.categoryRule.findMany({ where: { psuId: { in: [...psuIds] } } }),
      this.db.categoryModel.findMany({ where: { psuId: { in: [...psuIds] } } }),
    ]);
    return psuIds.map((psuId) => {
      const own = new Map<string, Category>();
      for (const r of rules) {
        const c = r.psuId === psuId ? categoryOf(r.categoryDetailed) : undefined;
        if (c) own.set(r.merchantId, c);
      }
      const model = (d: Direction) => {
        const row = models.find((m) => m.psuId === psuId && m.creditDebit === d);
        return row ? parseModel(row.state) : null;
      };
      return { rules: own, models: { Credit: model('Credit'), Debit: model('Debit') } };
    });
  }

  /** The PSU's category for each of these transactions, or null. */
  async corrections(
    psuId: string,
    transactionIds: readonly string[],
  ): Promise<(Category | null)[]> {
    const rows = await this.db.categoryCorrection.findMany({
      where: { psuId, transactionId: { in: [...transactionIds] } },
    });
    const byId = new Map(rows.map((r) => [r.transactionId, categoryOf(r.categoryDetailed)]));
    return transactionIds.map((id) => byId.get(id) ?? null);
  }

  /**
   * Sets a visible transaction's category and retrains the model of its direction with it
   * (a changed correction replaces its old example). Returns the transaction's id.
   */
  async setTransactionCategory(
    who: Corrector,
    transactionId: string,
    detailed: string,
  ): Promise<string> {
    const category = parseCategory(detailed);
    const row = await this.visibleRow(who, transactionId);
    const direction = row.creditDebit as Direction;
    const tokens = modelTokens(inputOf(row));
    const now = this.clock.now();
    await this.db.$transaction(async (tx) => {
      const fields = {
        categoryDetailed: category.detailed,
        creditDebit: direction,
        tokens: JSON.stringify(tokens),
        clientId: who.clientId,
        consentId: who.consentId,
        updatedAt: now,
      };
      await tx.categoryCorrection.upsert({
        where: { psuId_transactionId: { psuId: who.psuId, transactionId } },
        create: { psuId: who.psuId, transactionId, ...fields, createdAt: now },
        update: fields,
      });
      await retrain(tx, who.psuId, direction, now);
    });
    return row.id;
  }

  /**
   * Removes the PSU's category for a visible transaction (set by any of their client apps,
   * as corrections apply in every view) and retrains the model of its direction without it;
   * the transaction falls back to rules, model and defaults. NOT_FOUND when there is none.
   */
  async clearTransactionCategory(who: Corrector, transactionId: string): Promise<string> {
    const row = await this.visibleRow(who, transactionId);
    await this.db.$transaction(async (tx) => {
      const { count } = await tx.categoryCorrection.deleteMany({
        where: { psuId: who.psuId, transactionId: row.id },
      });
      if (count === 0) throw notFound('No category set for this transaction');
      await retrain(tx, who.psuId, row.creditDebit as Direction, this.clock.now());
    });
    return row.id;
  }

  /** A row the corrector's consent shows (account, window, direction), else NOT_FOUND. */
  private async visibleRow(who: Corrector, transactionId: string) {
    if (who.bounds.empty) throw notFound('No such transaction');
    const row = await this.db.transaction.findFirst({
      where: {
        id: transactionId,
        accountId: { in: [...who.accountIds] },
        removedAt: null,
        ...boundsWhere(who.bounds),
      },
    });
    if (!row) throw notFound('No such transaction');
    return row;
  }

  /** One rule per PSU and merchant: a new rule for the same merchant replaces the old. */
  async createRule(who: Corrector, merchantId: string, detailed: string): Promise<CategoryRuleRow> {
    const category = parseCategory(detailed);
    if (!merchantIdPattern.test(merchantId)) throw badInput('Not a merchant id this API issued');
    const fields = {
      categoryDetailed: category.detailed,
      clientId: who.clientId,
      consentId: who.consentId,
      createdAt: this.clock.now(),
    };
    const row = await this.db.categoryRule.upsert({
      where: { psuId_merchantId: { psuId: who.psuId, merchantId } },
      create: { id: `rule_${randomUUID()}`, psuId: who.psuId, merchantId, ...fields },
      update: fields,
    });
    return toRule(row);
  }

  /** Only a rule this client made for this PSU; anything else is NOT_FOUND. */
  async deleteRule(who: Corrector, ruleId: string): Promise<boolean> {
    const { count } = await this.db.categoryRule.deleteMany({
      where: { id: ruleId, psuId: who.psuId, clientId: who.clientId },
    });
    if (count === 0) throw notFound('No such rule');
    return true;
  }

  /**
   * The rules this client made for the PSU. Not every client's: a rule names a merchant,
   * and another client's rules may name merchants outside what this consent shows.
   */
  async rules(who: Pick<Corrector, 'psuId' | 'clientId'>): Promise<CategoryRuleRow[]> {
    const rows = await this.db.categoryRule.findMany({
      where: { psuId: who.psuId, clientId: who.clientId },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(toRule);
  }
}

type TxClient = Parameters<Parameters<AccountsDb['$transaction']>[0]>[0];

/**
 * The model of one direction, retrained from every correction rather than adjusted by one:
 * two corrections at once (PostgreSQL, read committed) cannot leave an example out past the
 * next correction, and a removed one leaves no trace.
 */
async function retrain(tx: TxClient, psuId: string, direction: Direction, now: Date) {
  const examples = await tx.categoryCorrection.findMany({
    where: { psuId, creditDebit: direction },
    select: { tokens: true, categoryDetailed: true },
  });
  const model = emptyModel();
  for (const e of examples) train(model, JSON.parse(e.tokens) as string[], e.categoryDetailed);
  const state = JSON.stringify(model);
  await tx.categoryModel.upsert({
    where: { psuId_creditDebit: { psuId, creditDebit: direction } },
    create: { psuId, creditDebit: direction, state, updatedAt: now },
    update: { state, updatedAt: now },
  });
}

function parseCategory(detailed: string): Category {
  const c = categoryOf(detailed);
  if (!c) throw badInput('Not a category of the taxonomy (see Query.categories)');
  return c;
}

function toRule(r: {
  id: string;
  merchantId: string;
  categoryDetailed: string;
  createdAt: Date;
}): CategoryRuleRow {
  return {
    id: r.id,
    merchantId: r.merchantId,
    category: categoryOf(r.categoryDetailed)!,
    createdAt: r.createdAt,
  };
}
