import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { PaymentsContext } from '../loaders/index.ts';
import { toPayment } from '../schema/mappers.ts';
import { Payment } from '../schema/payment.type.ts';
import { HeldPayment, HeldPaymentPage } from '../schema/review.type.ts';
import { reviewerOf } from '../services/caller.ts';
import type { ReviewService } from '../services/review.service.ts';

@Resolver()
export class ReviewResolver {
  constructor(private readonly reviews: ReviewService) {}

  @Query(() => HeldPaymentPage, {
    nullable: true,
    description: 'Payments held for review, oldest first. Needs payments:review',
  })
  async heldPayments(
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: PaymentsContext,
  ): Promise<HeldPaymentPage> {
    reviewerOf(ctx);
    const page = await this.reviews.queue(first, after);
    return {
      nextCursor: page.nextCursor,
      items: page.items.map((row) =>
        Object.assign(new HeldPayment(), {
          payment: toPayment(row),
          clientAppId: row.clientAppId,
          psuId: row.psuId,
          heldReason: row.statusReason,
          heldAt: row.createdAt,
        }),
      ),
    };
  }

  @Mutation(() => Payment, {
    nullable: true,
    description:
      'Approves a held payment: it is sent to the bank as submitPayment would. Needs payments:review',
  })
  async approveHeldPayment(
    @Arg('paymentId', () => ID) paymentId: string,
    @Ctx() ctx: PaymentsContext,
  ): Promise<Payment> {
    return toPayment(await this.reviews.approve(reviewerOf(ctx), paymentId));
  }

  @Mutation(() => Payment, {
    nullable: true,
    description: 'Rejects a held payment; it is never sent. Needs payments:review',
  })
  async rejectHeldPayment(
    @Arg('paymentId', () => ID) paymentId: string,
    @Arg('reason', () => String, { description: '1 to 500 characters, shown to the PSU’s app' })
    reason: string,
    @Ctx() ctx: PaymentsContext,
  ): Promise<Payment> {
    return toPayment(await this.reviews.reject(reviewerOf(ctx), paymentId, reason));
  }
}
