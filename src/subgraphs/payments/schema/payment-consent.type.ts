import { Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import { PaymentConsentStatus, ScaReason } from './enums.ts';
import { PaymentCreditor } from './payment.type.ts';

@ObjectType({ description: 'Where and how the PSU authorises a payment consent at the bank' })
export class PaymentAuthorisation {
  @Field(() => String, { description: 'The bank’s id for the consent (OBIE ConsentId)' })
  bankConsentId!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Sandbox banks: their simulated PSU login. Real banks: not built yet',
  })
  url!: string | null;
}

@ObjectType({ description: 'The bank’s own page where the PSU authorises a payment consent' })
export class PaymentBankAuthorisation {
  @Field(() => String, { description: 'Send the PSU’s browser here' })
  url!: string;

  @Field(() => String, { description: 'Comes back to our callback; single use' })
  state!: string;
}

@ObjectType({ description: 'Strong customer authentication needed before submission' })
export class PaymentSca {
  @Field(() => Boolean)
  required!: boolean;

  @Field(() => [ScaReason])
  reasons!: ScaReason[];

  @Field(() => Boolean, { description: 'A step-up was done (one-time code or an SCA token)' })
  satisfied!: boolean;
}

@ObjectType({ description: 'What a PSU agrees to pay, before it is submitted' })
export class PaymentConsent {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  bankId!: string;

  @Field(() => PaymentConsentStatus)
  status!: PaymentConsentStatus;

  @Field(() => String, { description: 'Decimal string, never a float' })
  amount!: string;

  @Field(() => String, { description: 'ISO 4217' })
  currency!: string;

  @Field(() => PaymentCreditor)
  creditor!: PaymentCreditor;

  @Field(() => String)
  reference!: string;

  @Field(() => PaymentAuthorisation, {
    nullable: true,
    description: 'OBIE: the PSU authorises the consent at the bank before submission',
  })
  authorisation!: PaymentAuthorisation | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  debtorAccountId!: string | null;
}

@ObjectType({ description: 'A one-time code challenge for strong customer authentication' })
export class PaymentChallenge {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  paymentConsentId!: string;

  @Field(() => GraphQLISODateTime)
  expiresAt!: Date;

  @Field(() => Int)
  attemptsAllowed!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Sandbox banks only: the code itself, since there is no PSU device to send it to',
  })
  sandboxCode!: string | null;
}
