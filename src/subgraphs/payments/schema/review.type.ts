import { Field, GraphQLISODateTime, ObjectType } from 'type-graphql';
import { Payment } from './payment.type.ts';

@ObjectType({ description: 'A payment the risk rules held, as a reviewer sees it' })
export class HeldPayment {
  @Field(() => Payment, {
    description: 'Amount, currency, creditor, reference and riskFlags (why it was held)',
  })
  payment!: Payment;

  @Field(() => String, { description: 'The client app that submitted it' })
  clientAppId!: string;

  @Field(() => String, { description: 'The PSU paying' })
  psuId!: string;

  @Field(() => String, { nullable: true, description: 'Why it was held, as recorded' })
  heldReason!: string | null;

  @Field(() => GraphQLISODateTime)
  heldAt!: Date;
}

@ObjectType({ description: 'One page of the review queue, oldest first' })
export class HeldPaymentPage {
  @Field(() => [HeldPayment])
  items!: HeldPayment[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' })
  nextCursor!: string | null;
}
