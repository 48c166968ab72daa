import { Directive, Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';

/** The accounts subgraph's Account, seen from here: only its key. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Account')
export class AccountRef {
  @Field(() => ID)
  id!: string;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A domestic payment initiated from a PSU’s connected account' })
export class Payment {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Decimal string, never a float' })
  amount!: string;

  @Field(() => String)
  currency!: string;

  @Field(() => String)
  creditorName!: string;

  @Field(() => String)
  reference!: string;

  @Field(() => String, { description: 'UK Open Banking payment status' })
  status!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  debtorAccountId!: string;
}
