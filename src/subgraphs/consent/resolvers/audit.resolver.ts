import {
  Arg,
  Ctx,
  FieldResolver,
  GraphQLISODateTime,
  ID,
  Int,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { AuditFilter, AuditOutcome, AuditPage } from '../../../shared/audit/index.ts';
import { badInput } from '../../../shared/errors/index.ts';
import {
  AuditFilterInput,
  AuditRecord,
  AuditRecordConnection,
  ConsentReview,
} from '../schema/audit.type.ts';
import { toConsent } from '../schema/mappers.ts';
import type { AuditReadService } from '../services/audit.service.ts';
import { principalOf, type ConsentContext } from './context.ts';

const outcomes: readonly string[] = ['ok', 'denied', 'error', 'started'] satisfies AuditOutcome[];

function toFilter(input: AuditFilterInput | null | undefined): AuditFilter {
  const { outcome, ...rest } = input ?? {};
  if (outcome && !outcomes.includes(outcome))
    throw badInput(`outcome must be one of ${outcomes.join(', ')}`);
  return { ...rest, outcome: (outcome as AuditOutcome | null | undefined) ?? null };
}

function toConnection(page: AuditPage): AuditRecordConnection {
  return {
    edges: page.records.map((r) => ({
      cursor: r.cursor,
      node: Object.assign(new AuditRecord(), {
        ...r,
        id: `${r.seq}:${r.idx}`,
        seq: r.seq.toString(),
        index: r.idx,
        recordedAt: r.recordAt,
        arguments: r.args,
      }),
    })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
  };
}

@Resolver(() => ConsentReview)
export class AuditResolver {
  constructor(private readonly service: AuditReadService) {}

  @Query(() => AuditRecordConnection, {
    nullable: true,
    description: 'Search the audit log (needs audit:read)',
  })
  async auditRecords(
    @Arg('filter', () => AuditFilterInput, { nullable: true }) filter: AuditFilterInput | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: ConsentContext,
  ): Promise<AuditRecordConnection> {
    return toConnection(
      await this.service.search(principalOf(ctx), toFilter(filter), { first, after }),
    );
  }

  @Query(() => ConsentReview, {
    nullable: true,
    description: 'A consent, its history and every access under it (needs audit:read)',
  })
  async consentReview(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: ConsentContext,
  ): Promise<ConsentReview> {
    return { consent: toConsent(await this.service.consent(principalOf(ctx), id)) };
  }

  @FieldResolver(() => AuditRecordConnection, {
    nullable: true,
    description: 'Every resolver call made under this consent, newest first',
  })
  async accesses(
    @Root() review: ConsentReview,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('fieldPath', () => String, { nullable: true }) fieldPath: string | null,
    @Arg('from', () => GraphQLISODateTime, { nullable: true }) from: Date | null,
    @Arg('to', () => GraphQLISODateTime, { nullable: true }) to: Date | null,
    @Ctx() ctx: ConsentContext,
  ): Promise<AuditRecordConnection> {
    const filter = { consentId: review.consent.id, fieldPath, from, to };
    return toConnection(await this.service.search(principalOf(ctx), filter, { first, after }));
  }
}
