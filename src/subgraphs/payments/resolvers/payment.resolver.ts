import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { SubgraphContext } from '../../../shared/auth/context.ts';
import { unauthenticated } from '../../../shared/errors/index.ts';
import { AccountRef, Payment } from '../schema/payment.type.ts';
import type { PaymentService } from '../services/payment.service.ts';

@Resolver(() => Payment)
export class PaymentResolver {
  constructor(private readonly service: PaymentService) {}

  @Query(() => [Payment], { nullable: true, description: 'Payments made under this consent’s PSU' })
  payments(@Ctx() ctx: SubgraphContext): Promise<Payment[]> {
    if (!ctx.principal) throw unauthenticated();
    return this.service.visible(ctx.principal);
  }

  @FieldResolver(() => AccountRef, { description: 'The account the money leaves' })
  debtorAccount(@Root() payment: Payment): AccountRef {
    return Object.assign(new AccountRef(), { id: payment.debtorAccountId });
  }
}
