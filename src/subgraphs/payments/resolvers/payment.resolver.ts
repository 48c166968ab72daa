import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { PaymentsContext } from '../loaders/index.ts';
import { AccountRef } from '../schema/account.stub.ts';
import { toAccountRef, toPayment, toStatusChange } from '../schema/mappers.ts';
import { Payment, PaymentStatusChange } from '../schema/payment.type.ts';
import { callerOf } from '../services/caller.ts';
import type { PaymentService } from '../services/payment.service.ts';
import type { SubmissionService } from '../services/submission.service.ts';

@Resolver(() => Payment)
export class PaymentResolver {
  constructor(
    private readonly reads: PaymentService,
    private readonly submissions: SubmissionService,
  ) {}

  @Query(() => [Payment], {
    nullable: true,
    description: 'Payments this client app made for the PSU, newest first. Needs payments:read',
  })
  async payments(
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Ctx() ctx: PaymentsContext,
  ): Promise<Payment[]> {
    return (await this.reads.list(callerOf(ctx), first)).map(toPayment);
  }

  @Query(() => Payment, { nullable: true, description: 'Needs payments:read' })
  async payment(@Arg('id', () => ID) id: string, @Ctx() ctx: PaymentsContext): Promise<Payment> {
    return toPayment(await this.reads.get(callerOf(ctx), id));
  }

  @Mutation(() => Payment, {
    nullable: true,
    description:
      'Submits an authorised payment consent to the bank. Idempotent per key for 24 h. Needs payments:initiate',
  })
  async submitPayment(
    @Arg('idempotencyKey', () => String, { description: 'At most 40 characters' }) key: string,
    @Arg('paymentConsentId', () => ID) paymentConsentId: string,
    @Arg('returnUrl', () => String, {
      nullable: true,
      description:
        'Berlin Group: authorisationUrl becomes the bank’s own login and approval page, which sends the PSU through our callback to returnUrl (an allow-listed origin) with paymentId and status',
    })
    returnUrl: string | null,
    @Ctx() ctx: PaymentsContext,
  ): Promise<Payment> {
    return toPayment(
      await this.submissions.submit(callerOf(ctx), key, paymentConsentId, returnUrl ?? undefined),
    );
  }

  @FieldResolver(() => AccountRef, {
    nullable: true,
    description: 'The account the money leaves, when the client named it',
  })
  debtorAccount(@Root() payment: Payment): AccountRef | null {
    return toAccountRef(payment.debtorAccountId);
  }

  @FieldResolver(() => [PaymentStatusChange], { description: 'Oldest first' })
  async statusHistory(
    @Root() payment: Payment,
    @Ctx() ctx: PaymentsContext,
  ): Promise<PaymentStatusChange[]> {
    return (await ctx.loaders.history.load(payment.id)).map(toStatusChange);
  }
}
