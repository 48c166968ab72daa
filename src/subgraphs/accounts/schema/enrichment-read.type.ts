import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export const RecurringFrequency = {
  WEEKLY: 'WEEKLY',
  FORTNIGHTLY: 'FORTNIGHTLY',
  MONTHLY: 'MONTHLY',
  YEARLY: 'YEARLY',
} as const;
export const RecurringStatus = { ACTIVE: 'ACTIVE', LATE: 'LATE', ENDED: 'ENDED' } as const;
export const SpendingGroupBy = {
  CATEGORY: 'CATEGORY',
  DETAILED_CATEGORY: 'DETAILED_CATEGORY',
  MERCHANT: 'MERCHANT',
  MONTH: 'MONTH',
} as const;
export const MoneyDirection = { Credit: 'Credit', Debit: 'Debit' } as const;

registerEnumType(RecurringFrequency, { name: 'RecurringFrequency' });
registerEnumType(RecurringStatus, {
  name: 'RecurringStatus',
  description:
    'ACTIVE: the next payment is not overdue; LATE: one expected payment is missing; ENDED: two are',
});
registerEnumType(SpendingGroupBy, {
  name: 'SpendingGroupBy',
  description: 'MONTH keys are YYYY-MM (UTC); CATEGORY keys primary codes, DETAILED_CATEGORY detailed ones',
});
registerEnumType(MoneyDirection, { name: 'MoneyDirection' });

@ObjectType({
  description:
    'A subscription, salary, rent or other payment that repeats, found in one account’s booked transactions',
})
export class RecurringStream {
  @Field(() => ID, { description: 'Stable while the payee, account, direction and currency are' })
  id!: string;

  @Field(() => ID)
  accountId!: string;

  @Field(() => MoneyDirection)
  direction!: 'Credit' | 'Debit';

  @Field(() => String, { description: 'The merchant, the counterparty or the statement line’s stable words' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Detailed category most of its transactions have' })
  category!: string | null;

  @Field(() => RecurringFrequency)
  frequency!: string;

  @Field(() => RecurringStatus)
  status!: string;

  @Field(() => String)
  currency!: string;

  @Field(() => String, { description: 'Mean of its amounts, in its currency' })
  averageAmount!: string;

  @Field(() => String)
  lastAmount!: string;

  @Field(() => GraphQLISODateTime)
  firstDate!: Date;

  @Field(() => GraphQLISODateTime)
  lastDate!: Date;

  @Field(() => GraphQLISODateTime)
  expectedNextDate!: Date;

  @Field(() => Int)
  occurrences!: number;

  @Field(() => [ID])
  transactionIds!: string[];
}

@ObjectType({ description: 'Money in one direction for one group, in one currency' })
export class SpendingTotal {
  @Field(() => String, {
    nullable: true,
    description: 'Category code, merchant name or YYYY-MM; null: transactions with no merchant',
  })
  key!: string | null;

  @Field(() => String)
  currency!: string;

  @Field(() => String, { description: 'Exact sum, never negative' })
  amount!: string;

  @Field(() => Int)
  count!: number;
}
