import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Consent } from './consent.type.ts';

@ObjectType({ description: 'One resolver call, as the audit log recorded it' })
export class AuditRecord {
  @Field(() => ID, { description: 'Batch sequence number and index in the batch' })
  id!: string;

  @Field(() => String, { description: 'Sequence number of the batch (hash-chain link)' })
  seq!: string;

  @Field(() => Int, { description: 'Position in the batch' })
  index!: number;

  @Field(() => GraphQLISODateTime, { description: 'When the request reached the subgraph' })
  at!: Date;

  @Field(() => GraphQLISODateTime, { description: 'When the resolver was called' })
  recordedAt!: Date;

  @Field(() => String, { description: 'The subgraph that served the call' })
  service!: string;

  @Field(() => String, { description: 'x-fapi-interaction-id of the request' })
  requestId!: string;

  @Field(() => String, { description: 'psu, client, consent or anonymous' })
  principalKind!: string;

  @Field(() => String, { nullable: true })
  principalId!: string | null;

  @Field(() => String, { nullable: true })
  clientId!: string | null;

  @Field(() => String, { nullable: true })
  psuId!: string | null;

  @Field(() => String, { nullable: true })
  consentId!: string | null;

  @Field(() => String, { nullable: true })
  operationName!: string | null;

  @Field(() => String, { nullable: true, description: 'query or mutation' })
  operationType!: string | null;

  @Field(() => String, { description: 'Type.field, or Type.__resolveReference' })
  fieldPath!: string;

  @Field(() => String, { description: 'Path in the subgraph response' })
  responsePath!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Arguments as JSON, secrets replaced by [REDACTED]',
  })
  arguments!: string | null;

  @Field(() => String, { description: 'ok, denied, error, or started (a mutation about to run)' })
  outcome!: string;

  @Field(() => String, { nullable: true })
  errorCode!: string | null;
}

@ObjectType()
export class AuditRecordEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => AuditRecord)
  node!: AuditRecord;
}

@ObjectType({ description: 'Relay page info (named apart so other subgraphs may define theirs)' })
export class AuditPageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType({ description: 'A page of audit records, newest first' })
export class AuditRecordConnection {
  @Field(() => [AuditRecordEdge])
  edges!: AuditRecordEdge[];

  @Field(() => AuditPageInfo)
  pageInfo!: AuditPageInfo;
}

@InputType({ description: 'Every given criterion must match' })
export class AuditFilterInput {
  @Field(() => ID, { nullable: true })
  psuId?: string | null;

  @Field(() => ID, { nullable: true })
  clientId?: string | null;

  @Field(() => ID, { nullable: true })
  consentId?: string | null;

  @Field(() => String, { nullable: true })
  requestId?: string | null;

  @Field(() => String, { nullable: true, description: 'Type.field, or Type.* for a whole type' })
  fieldPath?: string | null;

  @Field(() => String, { nullable: true, description: 'ok, denied, error or started' })
  outcome?: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Inclusive' })
  from?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Exclusive' })
  to?: Date | null;
}

@ObjectType({ description: 'A consent as granted, its status history, and every access under it' })
export class ConsentReview {
  @Field(() => Consent, { description: 'The grant: permissions, accounts, window, expiry, history' })
  consent!: Consent;
}
