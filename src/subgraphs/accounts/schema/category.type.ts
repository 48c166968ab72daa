import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A primary category and its detailed ones' })
export class CategoryGroup {
  @Field(() => String)
  primary!: string;

  @Field(() => [String], { description: 'Detailed codes, each starting with primary' })
  detailed!: string[];
}

@ObjectType({ description: 'The PSU’s rule: every transaction of this merchant gets this category' })
export class CategoryRule {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: 'Merchant.id' })
  merchantId!: string;

  @Field(() => String)
  primary!: string;

  @Field(() => String)
  detailed!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}
