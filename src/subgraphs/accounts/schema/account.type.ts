import { Directive, Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'How a bank identifies an account (scheme and number)' })
export class AccountIdentification {
  @Field(() => String, { description: 'e.g. UK.OBIE.SortCodeAccountNumber or IBAN' })
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

  @Field(() => String, { description: 'Credit or Debit' })
  creditDebit!: string;

  @Field(() => GraphQLISODateTime)
  dateTime!: Date;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A bank account the PSU connected; the id is opaque' })
export class Account {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'The bank this account is held at' })
  bankId!: string;

  @Field(() => String, { description: 'Personal or Business' })
  accountType!: string;

  @Field(() => String, { nullable: true })
  accountSubType!: string | null;

  @Field(() => String)
  currency!: string;

  @Field(() => String, { nullable: true })
  nickname!: string | null;

  /** Present on the entity; the field resolver decides whether the caller may see it. */
  identificationRecord!: AccountIdentification | null;
}
