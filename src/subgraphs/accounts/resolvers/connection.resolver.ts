import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { BankDirectory } from '../banks/directory.ts';
import { Account } from '../schema/account.type.ts';
import { Bank, BankConnection, BankConnectionStart } from '../schema/bank.type.ts';
import { toBank, toConnection } from '../schema/mappers.ts';
import type { ConnectionService } from '../services/connection.service.ts';
import { principalOf, type AccountsContext } from './context.ts';

const psuIdOf = (ctx: AccountsContext) => principalOf(ctx).subject;

@Resolver(() => BankConnection)
export class ConnectionResolver {
  constructor(
    private readonly connections: ConnectionService,
    private readonly directory: BankDirectory,
  ) {}

  @Query(() => [Bank], { description: 'Banks a PSU can connect' })
  banks(): Bank[] {
    return this.directory.list().map(toBank);
  }

  @Query(() => [BankConnection], { nullable: true, description: 'The calling PSU’s bank links' })
  async bankConnections(@Ctx() ctx: AccountsContext): Promise<BankConnection[]> {
    return (await this.connections.list(psuIdOf(ctx))).map(toConnection);
  }

  @Mutation(() => BankConnectionStart, {
    nullable: true,
    description:
      'Starts linking a bank: creates the bank consent and answers the bank’s own login page to send the PSU to; the bank sends them back to our callback, which then sends them to returnUrl',
  })
  async connectBank(
    @Arg('bankId', () => ID) bankId: string,
    @Arg('returnUrl', () => String, {
      nullable: true,
      description: 'Where the PSU goes after the bank (an allow-listed origin)',
    })
    returnUrl: string | null,
    @Ctx() ctx: AccountsContext,
  ): Promise<BankConnectionStart> {
    const started = await this.connections.start(
      psuIdOf(ctx),
      bankId,
      ctx.presence,
      returnUrl ?? undefined,
    );
    return Object.assign(new BankConnectionStart(), {
      ...started,
      connection: toConnection(started.connection),
    });
  }

  @Mutation(() => BankConnection, {
    nullable: true,
    description:
      'Finishes linking a bank with an authorisation code the client received itself (OBIE). Usually not needed: the bank sends the PSU to our callback, which finishes the connection',
  })
  async completeBankConnection(
    @Arg('connectionId', () => ID) connectionId: string,
    @Arg('authorisationCode', () => String, { nullable: true }) authorisationCode: string | null,
    @Ctx() ctx: AccountsContext,
  ): Promise<BankConnection> {
    const row = await this.connections.complete(
      psuIdOf(ctx),
      connectionId,
      { authorisationCode },
      ctx.presence,
    );
    return toConnection(row);
  }

  @Mutation(() => BankConnection, {
    nullable: true,
    description: 'Unlinks a bank: its session is deleted and its accounts leave the API',
  })
  async disconnectBank(
    @Arg('connectionId', () => ID) connectionId: string,
    @Ctx() ctx: AccountsContext,
  ): Promise<BankConnection> {
    return toConnection(await this.connections.disconnect(psuIdOf(ctx), connectionId));
  }

  @FieldResolver(() => Bank, { nullable: true })
  bank(@Root() connection: BankConnection): Bank | null {
    const bank = this.directory.find(connection.bankId);
    return bank ? toBank(bank.definition) : null;
  }

  @FieldResolver(() => [Account], { nullable: true, description: 'Accounts it brought in' })
  accounts(@Root() connection: BankConnection, @Ctx() ctx: AccountsContext): Promise<Account[]> {
    return ctx.loaders.accountsOfConnection.load(connection.id);
  }
}
