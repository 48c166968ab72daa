import {
  Field,
  GraphQLISODateTime,
  ID,
  InputType,
  Int,
  ObjectType,
  registerEnumType,
} from 'type-graphql';
import { eventTypes, type EventType as EventTypeName } from '../../../shared/events/types.ts';

export const EventType = Object.fromEntries(eventTypes.map((t) => [t, t])) as {
  [K in EventTypeName]: K;
};
registerEnumType(EventType, {
  name: 'EventType',
  description: 'What happened; details are read through the graph under the consent',
});

@ObjectType({ description: 'Where a client app receives its events as Standard Webhooks' })
export class WebhookEndpoint {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  url!: string;

  @Field(() => [EventType])
  eventTypes!: EventTypeName[];

  @Field(() => String, { description: 'Enabled or Disabled' })
  status!: string;

  @Field(() => String, { nullable: true, description: 'Why it was disabled' })
  disabledReason!: string | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType({ description: 'An endpoint with its signing secret, shown this once' })
export class WebhookEndpointSecret {
  @Field(() => WebhookEndpoint)
  endpoint!: WebhookEndpoint;

  @Field(() => String, { description: 'whsec_ + base64: verify webhook-signature with it' })
  secret!: string;
}

@InputType()
export class CreateWebhookEndpointInput {
  @Field(() => String, { description: 'https (http to loopback only in sandbox mode)' })
  url!: string;

  @Field(() => [EventType])
  eventTypes!: EventTypeName[];
}

@ObjectType({ description: 'An event about one of your consents or payments' })
export class WebhookEvent {
  @Field(() => ID, { description: 'The webhook-id of every delivery of this event' })
  id!: string;

  @Field(() => String, { description: 'Pass as `after` to read the events that follow' })
  cursor!: string;

  @Field(() => EventType)
  type!: EventTypeName;

  @Field(() => GraphQLISODateTime)
  occurredAt!: Date;

  @Field(() => String, { description: 'JSON object: the webhook payload’s data' })
  data!: string;
}

@ObjectType({ description: 'One event sent (or being sent) to one endpoint' })
export class WebhookDelivery {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  eventId!: string;

  @Field(() => ID)
  endpointId!: string;

  @Field(() => String, { description: 'Pending, Succeeded or Failed (given up)' })
  status!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => GraphQLISODateTime, { nullable: true })
  lastAttemptAt!: Date | null;

  @Field(() => GraphQLISODateTime, { description: 'When a pending delivery is tried next' })
  nextAttemptAt!: Date;

  @Field(() => Int, { nullable: true })
  lastStatusCode!: number | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => String, { nullable: true, description: 'The first bytes of the answer only' })
  responseExcerpt!: string | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}
