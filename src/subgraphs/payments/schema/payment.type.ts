import { Directive, Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { AccountScheme, PaymentStatus, RiskFlag } from './enums.ts';

@ObjectType({ description: 'Who is paid' })
export class PaymentCreditor {
  @Field(() => String)
  name!: string;

  @Field(() => AccountScheme)
  scheme!: AccountScheme;

  @Field(() => String, { description: 'Sort code + account number, or IBAN' })
  identification!: string;
}

@ObjectType({ description: 'A change of a payment status, as the bank reported it' })
export class PaymentStatusChange {
  @Field(() => PaymentStatus, { nullable: true })
  fromStatus!: PaymentStatus | null;

  @Field(() => PaymentStatus)
  toStatus!: PaymentStatus;

  @Field(() => String, { nullable: true, description: 'The bank’s own status code' })
  bankStatus!: string | null;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => GraphQLISODateTime)
  at!: Date;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A domestic payment initiated from a PSU’s connected account' })
export class Payment {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: 'The payment consent this payment was submitted under' })
  paymentConsentId!: string;

  @Field(() => String)
  bankId!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The bank’s id for this payment, once the bank has it (what the PSU sees there)',
  })
  bankPaymentId!: string | null;

  @Field(() => String, { description: 'Decimal string, never a float' })
  amount!: string;

  @Field(() => String, { description: 'ISO 4217' })
  currency!: string;

  @Field(() => PaymentCreditor)
  creditor!: PaymentCreditor;

  @Field(() => String)
  reference!: string;

  @Field(() => PaymentStatus)
  status!: PaymentStatus;

  @Field(() => String, {
    nullable: true,
    description: 'The bank’s own status code (v3.1 name, ISO 20022 code, Berlin Group code)',
  })
  bankStatus!: string | null;

  @Field(() => String, { nullable: true })
  statusReason!: string | null;

  @Field(() => [RiskFlag], { description: 'Why the payment is held for review, if it is' })
  riskFlags!: RiskFlag[];

  @Field(() => String, {
    nullable: true,
    description: 'Berlin Group: where the PSU authorises this payment at the bank',
  })
  authorisationUrl!: string | null;

  @Field(() => GraphQLISODateTime, { description: 'When the status was last read from the bank' })
  statusCheckedAt!: Date;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  debtorAccountId!: string | null;
}
