import { Field, ID, InputType } from 'type-graphql';
import { AccountScheme } from './enums.ts';

@InputType({ description: 'An account by scheme and identification' })
export class PaymentAccountInput {
  @Field(() => AccountScheme)
  scheme!: AccountScheme;

  @Field(() => String, { description: '14 digits (sort code + account number) or an IBAN' })
  identification!: string;
}

@InputType()
export class CreatePaymentConsentInput {
  @Field(() => String, { description: 'The bank to pay from (the bank directory id)' })
  bankId!: string;

  @Field(() => String, { description: 'Decimal string such as "10.50": positive, currency’s decimals' })
  amount!: string;

  @Field(() => String, { description: 'ISO 4217 code' })
  currency!: string;

  @Field(() => String)
  creditorName!: string;

  @Field(() => PaymentAccountInput)
  creditorAccount!: PaymentAccountInput;

  @Field(() => String, { description: 'Shown to the creditor; 1 to 35 characters' })
  reference!: string;

  @Field(() => ID, {
    nullable: true,
    description:
      'The PSU’s Account to pay from, one the consent covers; kept for the debtorAccount reference',
  })
  debtorAccountId?: string | null;

  @Field(() => PaymentAccountInput, {
    nullable: true,
    description:
      'The debtor account’s identification, sent to the bank. OBIE: optional (the PSU picks at the bank); Berlin Group: required',
  })
  debtorAccount?: PaymentAccountInput | null;
}
