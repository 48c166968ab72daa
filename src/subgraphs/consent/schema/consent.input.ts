import { Field, GraphQLISODateTime, InputType } from 'type-graphql';
import { Permission } from '../../../shared/auth/permissions.ts';

@InputType()
export class RequestConsentInput {
  @Field(() => [Permission])
  permissions!: Permission[];

  @Field(() => GraphQLISODateTime, { nullable: true })
  transactionFromDate?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  transactionToDate?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  expiresAt?: Date | null;
}
