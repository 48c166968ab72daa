import { Directive, Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Permission } from '../../../shared/auth/permissions.ts';
import { ConsentStatus } from '../services/consent-rules.ts';

registerEnumType(ConsentStatus, {
  name: 'ConsentStatus',
  description: 'UK Open Banking consent states',
});
registerEnumType(Permission, {
  name: 'ConsentPermission',
  description: 'UK Open Banking data permissions, plus payment permissions',
});

@ObjectType({ description: 'A change of a consent status, with who caused it' })
export class ConsentStatusChange {
  @Field(() => ConsentStatus, { nullable: true })
  fromStatus!: ConsentStatus | null;

  @Field(() => ConsentStatus)
  toStatus!: ConsentStatus;

  @Field(() => String, { description: 'PSU, CLIENT or SYSTEM' })
  actor!: string;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => GraphQLISODateTime)
  at!: Date;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A PSU’s permission for a client app to access their data' })
export class Consent {
  @Field(() => ID)
  id!: string;

  @Field(() => ConsentStatus)
  status!: ConsentStatus;

  @Field(() => [Permission])
  permissions!: Permission[];

  @Field(() => [ID], { description: 'Accounts the PSU chose when authorising' })
  selectedAccountIds!: string[];

  @Field(() => GraphQLISODateTime, { nullable: true })
  transactionFromDate!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  transactionToDate!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  clientAppId!: string;
  psuId!: string | null;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A third-party provider registered with the aggregator' })
export class ClientApp {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => [Permission])
  allowedPermissions!: Permission[];

  @Field(() => [String])
  redirectUris!: string[];
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A payment service user: the person whose bank data this is' })
export class Psu {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  displayName!: string | null;
}
