import type { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Ctx,
  FieldResolver,
  GraphQLISODateTime,
  ID,
  Info,
  Int,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { forbidden } from '../../../shared/errors/index.ts';
import type { BankDirectory } from '../banks/directory.ts';
import { Account, AccountIdentification, Balance } from '../schema/account.type.ts';
import { Bank } from '../schema/bank.type.ts';
import { CurrencyTotal } from '../schema/bank.type.ts';
import { ConsentRef, PsuRef } from '../schema/entity-stubs.ts';
import { toBank } from '../schema/mappers.ts';
import { TransactionConnection } from '../schema/transaction.type.ts';
import { transactionBounds } from '../services/access.ts';
import type { AccountService } from '../services/account.service.ts';
import { currencyTotals } from '../services/totals.ts';
import { maxPageSize } from '../services/transaction.service.ts';
import { principalOf, type AccountsContext } from './context.ts';
import { transactionGroupsOf } from './transaction-fields.ts';

export type { AccountsContext } from './context.ts';

@Resolver(() => Account)
export class AccountResolver {
  constructor(
    private readonly service: AccountService,
    private readonly banks: BankDirectory,
  ) {}

  @Query(() => [Account], { nullable: true, description: 'Accounts the token may see' })
  accounts(@Ctx() ctx: AccountsContext): Promise<Account[]> {
    return this.service.visible(principalOf(ctx), ctx.grant);
  }

  @Query(() => Account, { nullable: true })
  account(@Arg('id', () => ID) id: string, @Ctx() ctx: AccountsContext): Promise<Account | null> {
    return ctx.loaders.account.load(id);
  }

  @FieldResolver(() => Bank, { nullable: true, description: 'The bank this account is held at' })
  bank(@Root() account: Account): Bank | null {
    const bank = this.banks.find(account.bankId);
    return bank ? toBank(bank.definition) : null;
  }

  @FieldResolver(() => AccountIdentification, {
    nullable: true,
    description: 'Needs ReadAccountsDetail',
  })
  identification(@Root() account: Account): AccountIdentification | null {
    return this.service.identification(account);
  }

  @FieldResolver(() => [Balance], {
    nullable: true,
    description: 'From the bank (at most BANK_DATA_FRESHNESS_SECONDS old). Needs ReadBalances',
  })
  balances(@Root() account: Account, @Ctx() ctx: AccountsContext): Promise<Balance[]> {
    return ctx.loaders.balances.load(account);
  }

  @FieldResolver(() => TransactionConnection, {
    nullable: true,
    description:
      'Newest first, inside the consent’s date window and permitted directions. Needs ReadTransactionsBasic',
  })
  async transactions(
    @Root() account: Account,
    @Arg('first', () => Int, { defaultValue: 50, description: `1 to ${maxPageSize}` })
    first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('from', () => GraphQLISODateTime, { nullable: true, description: 'Booked on or after' })
    from: Date | null,
    @Arg('to', () => GraphQLISODateTime, { nullable: true, description: 'Booked on or before' })
    to: Date | null,
    @Ctx() ctx: AccountsContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<TransactionConnection> {
    const bounds = transactionBounds(principalOf(ctx), ctx.grant, { from, to });
    const syncedAt = await ctx.loaders.transactionsSynced.load(account);
    const page = await ctx.loaders.transactionPage.load({
      accountId: account.id,
      bounds,
      args: { first, after },
      groups: transactionGroupsOf(info),
    });
    return Object.assign(new TransactionConnection(), {
      edges: page.items,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.items.at(-1)?.cursor ?? null },
      syncedAt,
    });
  }
}

@Resolver(() => ConsentRef)
export class ConsentAccountsResolver {
  constructor(private readonly service: AccountService) {}

  @FieldResolver(() => [Account], {
    nullable: true,
    description: 'Accounts shared under this consent',
  })
  accounts(@Root() consent: ConsentRef, @Ctx() ctx: AccountsContext): Promise<Account[]> {
    if (ctx.grant?.consentId !== consent.id) {
      throw forbidden('Account data is visible only under the consent the token is bound to');
    }
    return this.service.visible(principalOf(ctx), ctx.grant);
  }
}

@Resolver(() => PsuRef)
export class PsuAccountsResolver {
  constructor(private readonly service: AccountService) {}

  @FieldResolver(() => [Account], {
    nullable: true,
    description: 'This PSU’s accounts the token may see, at every connected bank',
  })
  accounts(@Root() psu: PsuRef, @Ctx() ctx: AccountsContext): Promise<Account[]> {
    if (principalOf(ctx).psuId !== psu.id) return Promise.resolve([]);
    return this.service.visible(principalOf(ctx), ctx.grant);
  }

  @FieldResolver(() => [CurrencyTotal], {
    nullable: true,
    description:
      'Per currency, the sum of the available balances of the accounts above. Never partial: null with UPSTREAM_UNAVAILABLE (bankIds) when a bank fails. Needs ReadBalances',
  })
  async balanceTotals(@Root() psu: PsuRef, @Ctx() ctx: AccountsContext): Promise<CurrencyTotal[]> {
    if (principalOf(ctx).psuId !== psu.id) return [];
    const accounts = await this.service.visible(principalOf(ctx), ctx.grant);
    const balances = await ctx.loaders.balances.loadMany(accounts);
    return currencyTotals(balances).map((t) => Object.assign(new CurrencyTotal(), t));
  }
}
