import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The consent subgraph's Consent, seen from here: only its key. */
@Directive('@key(fields: "id")')
@ObjectType('Consent')
export class ConsentRef {
  @Field(() => ID)
  id!: string;
}

/** The consent subgraph's Psu, seen from here: only its key. */
@Directive('@key(fields: "id")')
@ObjectType('Psu')
export class PsuRef {
  @Field(() => ID)
  id!: string;
}
