import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ClientApp, Consent, ConsentStatusChange, Psu } from '../schema/consent.type.ts';
import { RequestConsentInput } from '../schema/consent.input.ts';
import { toConsent } from '../schema/mappers.ts';
import { ConsentStatus } from '../services/consent-rules.ts';
import type { ConsentService } from '../services/consent.service.ts';
import { principalOf, type ConsentContext } from './context.ts';

@Resolver(() => Consent)
export class ConsentResolver {
  constructor(private readonly service: ConsentService) {}

  @Query(() => Consent, { nullable: true, description: 'A consent you are party to' })
  async consent(@Arg('id', () => ID) id: string, @Ctx() ctx: ConsentContext): Promise<Consent> {
    return toConsent(await this.service.visible(principalOf(ctx), id));
  }

  @Query(() => [Consent], { description: 'Consents of the calling client app or PSU' })
  async consents(
    @Arg('status', () => ConsentStatus, { nullable: true }) status: ConsentStatus | null,
    @Ctx() ctx: ConsentContext,
  ): Promise<Consent[]> {
    return (await this.service.list(principalOf(ctx), status ?? undefined)).map(toConsent);
  }

  @Mutation(() => Consent, { description: 'A client app asks a PSU for access' })
  async requestConsent(
    @Arg('input', () => RequestConsentInput) input: RequestConsentInput,
    @Ctx() ctx: ConsentContext,
  ): Promise<Consent> {
    return toConsent(await this.service.request(principalOf(ctx), input));
  }

  @Mutation(() => Consent, { description: 'The PSU grants a waiting consent for chosen accounts' })
  async authoriseConsent(
    @Arg('id', () => ID) id: string,
    @Arg('accountIds', () => [ID]) accountIds: string[],
    @Ctx() ctx: ConsentContext,
  ): Promise<Consent> {
    return toConsent(await this.service.authorise(principalOf(ctx), id, accountIds));
  }

  @Mutation(() => Consent, { description: 'The PSU declines a waiting consent' })
  async rejectConsent(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | null,
    @Ctx() ctx: ConsentContext,
  ): Promise<Consent> {
    return toConsent(await this.service.reject(principalOf(ctx), id, reason));
  }

  @Mutation(() => Consent, { description: 'The PSU or the client app ends an authorised consent' })
  async revokeConsent(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: ConsentContext,
  ): Promise<Consent> {
    return toConsent(await this.service.revoke(principalOf(ctx), id));
  }

  @FieldResolver(() => ClientApp, { nullable: true })
  clientApp(@Root() consent: Consent, @Ctx() ctx: ConsentContext): Promise<ClientApp | null> {
    return ctx.loaders.clientApp.load(consent.clientAppId);
  }

  @FieldResolver(() => Psu, { nullable: true })
  async psu(@Root() consent: Consent, @Ctx() ctx: ConsentContext): Promise<Psu | null> {
    return consent.psuId ? ctx.loaders.psu.load(consent.psuId) : null;
  }

  @FieldResolver(() => [ConsentStatusChange])
  statusHistory(
    @Root() consent: Consent,
    @Ctx() ctx: ConsentContext,
  ): Promise<ConsentStatusChange[]> {
    return ctx.loaders.statusHistory.load(consent.id);
  }
}
