import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { SubgraphContext } from '../../../shared/auth/context.ts';
import { forbidden, unauthenticated } from '../../../shared/errors/index.ts';
import type { AccountLoaders } from '../loaders/index.ts';
import { Account, AccountIdentification, Balance } from '../schema/account.type.ts';
import { ConsentRef, PsuRef } from '../schema/entity-stubs.ts';
import type { AccountService } from '../services/account.service.ts';

export interface AccountsContext extends SubgraphContext {
  loaders: AccountLoaders;
}

const principalOf = (ctx: AccountsContext) => {
  if (!ctx.principal) throw unauthenticated();
  return ctx.principal;
};

@Resolver(() => Account)
export class AccountResolver {
  constructor(private readonly service: AccountService) {}

  @Query(() => [Account], { nullable: true, description: 'Accounts the token may see' })
  accounts(@Ctx() ctx: AccountsContext): Promise<Account[]> {
    return this.service.visible(principalOf(ctx), ctx.grant);
  }

  @Query(() => Account, { nullable: true })
  account(@Arg('id', () => ID) id: string, @Ctx() ctx: AccountsContext): Promise<Account | null> {
    return ctx.loaders.account.load(id);
  }

  @FieldResolver(() => AccountIdentification, {
    nullable: true,
    description: 'Needs ReadAccountsDetail',
  })
  identification(@Root() account: Account): AccountIdentification | null {
    return account.identificationRecord;
  }

  @FieldResolver(() => [Balance], { nullable: true, description: 'Needs ReadBalances' })
  balances(@Root() account: Account, @Ctx() ctx: AccountsContext): Promise<Balance[]> {
    return ctx.loaders.balances.load(account.id);
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
    description: 'This PSU’s accounts the token may see',
  })
  accounts(@Root() psu: PsuRef, @Ctx() ctx: AccountsContext): Promise<Account[]> {
    if (principalOf(ctx).psuId !== psu.id) return Promise.resolve([]);
    return this.service.visible(principalOf(ctx), ctx.grant);
  }
}
