import { Arg, Ctx, FieldResolver, GraphQLISODateTime, Resolver, Root } from 'type-graphql';
import { spendingAccess } from '../enrichment/spending-access.ts';
import type { EnrichmentReads } from '../enrichment/spending-reads.ts';
import type { SpendingGroup } from '../enrichment/spending.ts';
import {
  MoneyDirection,
  RecurringStatus,
  RecurringStream,
  SpendingGroupBy,
  SpendingTotal,
} from '../schema/enrichment-read.type.ts';
import { PsuRef } from '../schema/entity-stubs.ts';
import { transactionBounds } from '../services/access.ts';
import type { AccountService } from '../services/account.service.ts';
import { principalOf, type AccountsContext } from './context.ts';

/** Streams and spending on `me`: the consent's accounts, window and directions only. */
@Resolver(() => PsuRef)
export class EnrichmentReadResolver {
  constructor(
    private readonly accounts: AccountService,
    private readonly reads: EnrichmentReads,
  ) {}

  @FieldResolver(() => [RecurringStream], {
    nullable: true,
    description:
      'Subscriptions, salary, rent and other repeating payments in the consent’s accounts and window; streams in a direction the consent does not grant are absent. Needs ReadTransactionsDetail',
  })
  async recurringStreams(
    @Root() psu: PsuRef,
    @Arg('status', () => RecurringStatus, { nullable: true }) status: string | null,
    @Ctx() ctx: AccountsContext,
  ): Promise<RecurringStream[]> {
    const principal = principalOf(ctx);
    if (principal.psuId !== psu.id) return [];
    const bounds = transactionBounds(principal, ctx.grant);
    const accounts = await this.accountIds(ctx);
    const streams = await this.reads.streams(accounts, bounds, psu.id);
    return streams
      .filter((s) => !status || s.status === status)
      .map((s) => Object.assign(new RecurringStream(), s));
  }

  @FieldResolver(() => [SpendingTotal], {
    nullable: true,
    description:
      'Totals per group and currency of booked transactions in one direction, in the consent’s accounts and window (intersected with from/to). Needs ReadTransactionsDebits for Debit, ReadTransactionsCredits for Credit, and ReadTransactionsDetail by MERCHANT; by category with Basic only, categories come from the bank codes',
  })
  async spending(
    @Root() psu: PsuRef,
    @Arg('groupBy', () => SpendingGroupBy) groupBy: SpendingGroup,
    @Arg('direction', () => MoneyDirection, { defaultValue: 'Debit' })
    direction: 'Credit' | 'Debit',
    @Arg('from', () => GraphQLISODateTime, { nullable: true, description: 'Booked on or after' })
    from: Date | null,
    @Arg('to', () => GraphQLISODateTime, { nullable: true, description: 'Booked on or before' })
    to: Date | null,
    @Ctx() ctx: AccountsContext,
  ): Promise<SpendingTotal[]> {
    const principal = principalOf(ctx);
    if (principal.psuId !== psu.id) return [];
    const bounds = transactionBounds(principal, ctx.grant, { from, to });
    const { detail } = spendingAccess(ctx.grant, groupBy, direction);
    const accounts = await this.accountIds(ctx);
    const totals = await this.reads.spending(accounts, bounds, groupBy, direction, {
      detail,
      psuId: psu.id,
    });
    return totals.map((t) => Object.assign(new SpendingTotal(), t));
  }

  /** The consent's accounts, synced first (as transactions are) so totals are current. */
  private async accountIds(ctx: AccountsContext): Promise<string[]> {
    const accounts = await this.accounts.visible(principalOf(ctx), ctx.grant);
    await ctx.loaders.transactionsSynced.loadMany(accounts);
    return accounts.map((a) => a.id);
  }
}
