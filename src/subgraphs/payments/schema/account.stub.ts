import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The accounts subgraph's Account, seen from here: only its key. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Account')
export class AccountRef {
  @Field(() => ID)
  id!: string;
}
