import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { hasScope } from '../../../shared/auth/principal.ts';
import { Permission } from '../../../shared/auth/permissions.ts';
import { forbidden } from '../../../shared/errors/index.ts';
import { basicEnrichment, personalise, primaryCategories, taxonomy } from '../enrichment/index.ts';
import { CategoryGroup, CategoryRule } from '../schema/category.type.ts';
import { Transaction, TransactionCategory } from '../schema/transaction.type.ts';
import { transactionBounds } from '../services/access.ts';
import type { AccountService } from '../services/account.service.ts';
import type { CategoryRuleRow, CategoryService, Corrector } from '../services/category.service.ts';
import type { TransactionService } from '../services/transaction.service.ts';
import { principalOf, type AccountsContext } from './context.ts';

@Resolver(() => Transaction)
export class CategoryResolver {
  constructor(
    private readonly accounts: AccountService,
    private readonly transactions: TransactionService,
    private readonly service: CategoryService,
  ) {}

  /**
   * Two views, as OBIE's Basic/Detail split asks: with ReadTransactionsDetail the merchant,
   * the statement line and the PSU's teaching may speak; with Basic only the bank's codes.
   */
  @FieldResolver(() => TransactionCategory, {
    nullable: true,
    description:
      'Our category, how sure we are and why. With ReadTransactionsBasic only, derived from the bank transaction code alone',
  })
  async category(
    @Root() tx: Transaction,
    @Ctx() ctx: AccountsContext,
  ): Promise<TransactionCategory> {
    if (!tx.enrichment) {
      // The page was read without the enrichment columns: transaction-fields.ts must map
      // `category` to them. A bug, masked to the client like any other.
      throw new Error('Transaction.category resolved on a row read without enrichment');
    }
    const { input, defaults } = tx.enrichment;
    if (!hasScope(ctx.principal, Permission.ReadTransactionsDetail) || !ctx.grant) {
      return toCategory(basicEnrichment(input));
    }
    const [teaching, correction] = await Promise.all([
      ctx.loaders.psuTeaching.load(ctx.grant.psuId),
      ctx.loaders.categoryCorrection.load(tx.id),
    ]);
    return toCategory(
      personalise(defaults, input, {
        correction,
        rules: teaching.rules,
        model: teaching.models[input.creditDebit],
      }),
    );
  }

  @Query(() => [CategoryGroup], { description: 'The category taxonomy' })
  categories(): CategoryGroup[] {
    return primaryCategories.map((p) =>
      Object.assign(new CategoryGroup(), {
        primary: p,
        detailed: taxonomy[p].map((leaf: string) => `${p}_${leaf}`),
      }),
    );
  }

  @Query(() => [CategoryRule], {
    nullable: true,
    description: 'The rules this client app made for the PSU. Needs ReadTransactionsDetail',
  })
  async categoryRules(@Ctx() ctx: AccountsContext): Promise<CategoryRule[]> {
    const who = await this.corrector(ctx);
    return (await this.service.rules(who)).map(toRuleType);
  }

  @Mutation(() => Transaction, {
    nullable: true,
    description:
      'The PSU’s category for a transaction the consent shows; it also trains the PSU’s model. Needs ReadTransactionsDetail',
  })
  async setTransactionCategory(
    @Arg('transactionId', () => ID) transactionId: string,
    @Arg('category', () => String, { description: 'A detailed code, e.g. FOOD_AND_DRINK_COFFEE' })
    category: string,
    @Ctx() ctx: AccountsContext,
  ): Promise<Transaction> {
    const who = await this.corrector(ctx);
    const id = await this.service.setTransactionCategory(who, transactionId, category);
    ctx.loaders.categoryCorrection.clear(id);
    ctx.loaders.psuTeaching.clear(who.psuId);
    return this.transactions.byId(id);
  }

  @Mutation(() => Transaction, {
    nullable: true,
    description:
      'Removes the PSU’s category for a transaction the consent shows and retrains the PSU’s model without it; the category falls back to rules, model and defaults. NOT_FOUND when none is set. Needs ReadTransactionsDetail',
  })
  async clearTransactionCategory(
    @Arg('transactionId', () => ID) transactionId: string,
    @Ctx() ctx: AccountsContext,
  ): Promise<Transaction> {
    const who = await this.corrector(ctx);
    const id = await this.service.clearTransactionCategory(who, transactionId);
    ctx.loaders.categoryCorrection.clear(id);
    ctx.loaders.psuTeaching.clear(who.psuId);
    return this.transactions.byId(id);
  }

  @Mutation(() => CategoryRule, {
    nullable: true,
    description:
      'Every transaction of this merchant gets this category (replaces the PSU’s rule for it). Needs ReadTransactionsDetail',
  })
  async createCategoryRule(
    @Arg('merchantId', () => ID) merchantId: string,
    @Arg('category', () => String) category: string,
    @Ctx() ctx: AccountsContext,
  ): Promise<CategoryRule> {
    const who = await this.corrector(ctx);
    ctx.loaders.psuTeaching.clear(who.psuId);
    return toRuleType(await this.service.createRule(who, merchantId, category));
  }

  @Mutation(() => Boolean, {
    nullable: true,
    description: 'Deletes a rule this client app made. Needs ReadTransactionsDetail',
  })
  async deleteCategoryRule(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: AccountsContext,
  ): Promise<boolean> {
    const who = await this.corrector(ctx);
    ctx.loaders.psuTeaching.clear(who.psuId);
    return this.service.deleteRule(who, id);
  }

  /** Corrections are written under the PSU's consent, within what that consent shows. */
  private async corrector(ctx: AccountsContext): Promise<Corrector> {
    const principal = principalOf(ctx);
    if (principal.kind !== 'consent' || !ctx.grant) {
      throw forbidden('Categories are corrected only under a PSU’s consent');
    }
    const accounts = await this.accounts.visible(principal, ctx.grant);
    return {
      psuId: ctx.grant.psuId,
      clientId: principal.clientId,
      consentId: ctx.grant.consentId,
      accountIds: accounts.map((a) => a.id),
      bounds: transactionBounds(principal, ctx.grant),
    };
  }
}

const toCategory = (e: ReturnType<typeof basicEnrichment>): TransactionCategory =>
  Object.assign(new TransactionCategory(), {
    primary: e.category.primary,
    detailed: e.category.detailed,
    confidence: e.confidence,
    reason: e.reason,
  });

const toRuleType = (r: CategoryRuleRow): CategoryRule =>
  Object.assign(new CategoryRule(), {
    id: r.id,
    merchantId: r.merchantId,
    primary: r.category.primary,
    detailed: r.category.detailed,
    createdAt: r.createdAt,
  });
