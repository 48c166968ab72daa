import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { isAppError } from '../../../shared/errors/index.ts';
import { Transaction, TransactionsSync } from '../schema/transaction.type.ts';
import { transactionBounds } from '../services/access.ts';
import type { AccountService } from '../services/account.service.ts';
import { maxPageSize, type TransactionService } from '../services/transaction.service.ts';
import { principalOf, type AccountsContext } from './context.ts';

@Resolver(() => Transaction)
export class TransactionResolver {
  constructor(
    private readonly accounts: AccountService,
    private readonly transactions: TransactionService,
  ) {}

  @Query(() => TransactionsSync, {
    nullable: true,
    description:
      'Transactions added, modified and removed since the cursor, across the accounts the token may see. Needs ReadTransactionsBasic',
  })
  async transactionsSync(
    @Arg('cursor', () => String, { nullable: true, description: 'Omit for everything so far' })
    cursor: string | null,
    @Arg('count', () => Int, { defaultValue: 100, description: `1 to ${maxPageSize}` })
    count: number,
    @Ctx() ctx: AccountsContext,
  ): Promise<TransactionsSync> {
    const principal = principalOf(ctx);
    const bounds = transactionBounds(principal, ctx.grant);
    const accounts = await this.accounts.visible(principal, ctx.grant);
    const synced = await ctx.loaders.transactionsSynced.loadMany(accounts);
    const unavailable = new Set<string>();
    synced.forEach((s, i) => {
      if (!(s instanceof Error)) return;
      const bankId = isAppError(s) ? s.details['bankId'] : undefined;
      unavailable.add(typeof bankId === 'string' ? bankId : accounts[i]!.bankId);
    });
    const changes = await this.transactions.changes(
      accounts.map((a) => a.id),
      bounds,
      cursor,
      count,
    );
    return Object.assign(new TransactionsSync(), {
      ...changes,
      unavailableBankIds: [...unavailable].sort(),
    });
  }
}
