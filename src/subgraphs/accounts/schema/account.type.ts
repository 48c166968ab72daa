import { Directive, Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'How a bank identifies an account (scheme and number)' })
export class AccountIdentification {
  @Field(() => String, { description: 'e.g. SortCodeAccountNumber, IBAN, BBAN' })
  scheme!: string;

  @Field(() => String)
  identification!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;
}

@ObjectType({ description: 'A balance of an account at a point in time' })
export class Balance {
  @Field(() => String, { description: 'OBIE balance type, e.g. InterimAvailable' })
  type!: string;

  @Field(() => String, { description: 'Decimal string, never a float' })
  amount!: string;

  @Field(() => String, { description: 'ISO 4217 currency code' })
  currency!: string;

  @Field(() => String, { description: 'Credit or Debit (a debit balance is overdrawn)' })
  creditDebit!: string;

  @Field(() => GraphQLISODateTime)
  dateTime!: Date;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A bank account the PSU connected; the id is opaque' })
export class Account {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Id of the bank (see bank)' })
  bankId!: string;

  @Field(() => String, { description: 'Personal or Business' })
  accountType!: string;

  @Field(() => String, { nullable: true })
  accountSubType!: string | null;

  @Field(() => String)
  currency!: string;

  @Field(() => String, { nullable: true })
  nickname!: string | null;

  connectionId!: string;
  identificationScheme!: string | null;
  /** Sealed at rest; opened only when the caller may see it (ReadAccountsDetail). */
  identificationSecret!: string | null;
  // What the freshness check reads, kept from the row the request loaded so that its
  // balances and transactions need no second read of the account (services/bank-data).
  bankAccountRef!: string;
  balancesFetchedAt!: Date | null;
  transactionsSyncedAt!: Date | null;
  quarantinedAt!: Date | null;
}
