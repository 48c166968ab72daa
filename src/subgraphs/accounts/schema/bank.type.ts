import { Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A bank the aggregator can connect to' })
export class Bank {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'obie or berlin-group' })
  standard!: string;

  @Field(() => Boolean, { description: 'A sandbox bank, with made-up PSUs and data' })
  sandbox!: boolean;
}

@ObjectType({ description: 'The aggregator’s link to a PSU at one bank' })
export class BankConnection {
  @Field(() => ID)
  id!: string;

  @Field(() => String, {
    description:
      'AwaitingAuthorisation, Completing, Active, Rejected (the PSU refused at the bank), Failed (the bank’s answer was unusable), ReauthorisationRequired, Replaced or Disconnected',
  })
  status!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When the bank session ends (refreshed automatically where the bank allows)',
  })
  sessionExpiresAt!: Date | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description:
      'When the PSU’s consent at the bank lapses and they must authorise again (null for connections made before it was recorded)',
  })
  consentExpiresAt!: Date | null;

  bankId!: string;
}

@ObjectType({ description: 'What the PSU needs to authorise a new connection at their bank' })
export class BankConnectionStart {
  @Field(() => BankConnection)
  connection!: BankConnection;

  @Field(() => String, { description: 'The consent to authorise at the bank' })
  bankConsentId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'The bank’s own login and approval page to send the PSU to (OBIE authorization endpoint with a signed request object; Berlin Group scaRedirect)',
  })
  authorisationUrl!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The state the bank hands back to our callback; single use, bound to this connection',
  })
  state!: string | null;
}

@ObjectType({ description: 'The sum of the available balances in one currency' })
export class CurrencyTotal {
  @Field(() => String)
  currency!: string;

  @Field(() => String, { description: 'Signed decimal string (negative when overdrawn)' })
  amount!: string;

  @Field(() => Int, { description: 'Accounts that make up the total' })
  accountCount!: number;
}
