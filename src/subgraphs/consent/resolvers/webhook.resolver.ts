import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { EventType } from '../../../shared/events/types.ts';
import {
  CreateWebhookEndpointInput,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointSecret,
  WebhookEvent,
} from '../schema/webhook.type.ts';
import type { ConsentEvents } from '../services/events/index.ts';
import type { WebhookEndpointRow } from '../services/events/webhook-endpoints.service.ts';
import { principalOf, type ConsentContext } from './context.ts';

/** A client app's webhook endpoints, events and deliveries; always its own only. */
@Resolver()
export class WebhookResolver {
  constructor(private readonly hub: Pick<ConsentEvents, 'endpoints' | 'log'>) {}

  @Query(() => [WebhookEndpoint], { nullable: true })
  async webhookEndpoints(@Ctx() ctx: ConsentContext): Promise<WebhookEndpoint[]> {
    return (await this.hub.endpoints.list(principalOf(ctx))).map(toEndpoint);
  }

  @Query(() => [WebhookEvent], {
    nullable: true,
    description: 'Your events after a cursor, oldest first (replay), within the retention period',
  })
  async events(
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
    @Ctx() ctx: ConsentContext,
  ): Promise<WebhookEvent[]> {
    const rows = await this.hub.log.events(principalOf(ctx), after, first);
    return rows.map((r) =>
      Object.assign(new WebhookEvent(), {
        id: r.id,
        cursor: String(r.seq),
        type: r.type as EventType,
        occurredAt: r.occurredAt,
        data: r.data,
      }),
    );
  }

  @Query(() => [WebhookDelivery], { nullable: true, description: 'Your deliveries, newest first' })
  async webhookDeliveries(
    @Arg('eventId', () => ID, { nullable: true }) eventId: string | null,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
    @Ctx() ctx: ConsentContext,
  ): Promise<WebhookDelivery[]> {
    const rows = await this.hub.log.deliveries(principalOf(ctx), { eventId, first });
    return rows.map((r) => Object.assign(new WebhookDelivery(), r));
  }

  @Mutation(() => WebhookEndpointSecret, { nullable: true })
  async createWebhookEndpoint(
    @Arg('input', () => CreateWebhookEndpointInput) input: CreateWebhookEndpointInput,
    @Ctx() ctx: ConsentContext,
  ): Promise<WebhookEndpointSecret> {
    return withSecret(await this.hub.endpoints.create(principalOf(ctx), input));
  }

  @Mutation(() => WebhookEndpointSecret, {
    nullable: true,
    description: 'A new secret; the old one also signs for 24 hours',
  })
  async rotateWebhookEndpointSecret(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: ConsentContext,
  ): Promise<WebhookEndpointSecret> {
    return withSecret(await this.hub.endpoints.rotateSecret(principalOf(ctx), id));
  }

  @Mutation(() => WebhookEndpoint, { nullable: true })
  async disableWebhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: ConsentContext,
  ): Promise<WebhookEndpoint> {
    return toEndpoint(await this.hub.endpoints.disable(principalOf(ctx), id));
  }
}

function toEndpoint(r: WebhookEndpointRow): WebhookEndpoint {
  return Object.assign(new WebhookEndpoint(), {
    id: r.id,
    url: r.url,
    eventTypes: r.eventTypes.split(' ') as EventType[],
    status: r.status,
    disabledReason: r.disabledReason,
    createdAt: r.createdAt,
  });
}

function withSecret(r: { endpoint: WebhookEndpointRow; secret: string }): WebhookEndpointSecret {
  return Object.assign(new WebhookEndpointSecret(), {
    endpoint: toEndpoint(r.endpoint),
    secret: r.secret,
  });
}
