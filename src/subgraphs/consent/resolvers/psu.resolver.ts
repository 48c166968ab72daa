import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Consent, Psu } from '../schema/consent.type.ts';
import { toConsent } from '../schema/mappers.ts';
import type { ConsentService } from '../services/consent.service.ts';
import { principalOf, type ConsentContext } from './context.ts';

@Resolver(() => Psu)
export class PsuResolver {
  constructor(private readonly service: ConsentService) {}

  @Query(() => Psu, { nullable: true, description: 'The PSU the token acts for' })
  me(@Ctx() ctx: ConsentContext): Promise<Psu | null> {
    const psuId = principalOf(ctx).psuId;
    return psuId ? ctx.loaders.psu.load(psuId) : Promise.resolve(null);
  }

  @FieldResolver(() => [Consent], { description: 'Consents of this PSU visible to the caller' })
  async consents(@Root() psu: Psu, @Ctx() ctx: ConsentContext): Promise<Consent[]> {
    const rows = await this.service.list(principalOf(ctx));
    return rows.filter((c) => c.psuId === psu.id).map(toConsent);
  }
}
