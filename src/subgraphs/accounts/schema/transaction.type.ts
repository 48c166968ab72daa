import { Field, Float, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import type { Enrichment, EnrichmentInput } from '../enrichment/index.ts';

@ObjectType({ description: 'Who was paid: named by the bank (card payments) or found in the statement line' })
export class Merchant {
  @Field(() => ID, {
    nullable: true,
    description:
      'Stable across spellings ("TESCO STORES 3297 LONDON" and "TESCO EXPRESS" share one); null when no merchant is named',
  })
  id!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Readable: card-network prefixes, store numbers, towns and references removed',
  })
  name!: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 18245 merchant category code' })
  categoryCode!: string | null;
}

@ObjectType({ description: 'A category of our two-level taxonomy (see Query.categories)' })
export class TransactionCategory {
  @Field(() => String, { description: 'e.g. FOOD_AND_DRINK' })
  primary!: string;

  @Field(() => String, { description: 'e.g. FOOD_AND_DRINK_GROCERIES; starts with primary' })
  detailed!: string;

  @Field(() => Float, { description: '0 to 1: how much to trust the category' })
  confidence!: number;

  @Field(() => String, {
    description:
      'Why: PSU_CORRECTION, PSU_RULE, MODEL (the PSU’s own corrections), MERCHANT_DICTIONARY, DESCRIPTION_KEYWORD, MERCHANT_CATEGORY_CODE, BANK_TRANSACTION_CODE or DEFAULT',
  })
  reason!: string;
}

@ObjectType({
  description:
    'The pending entry a booked transaction settled when the bank booked it under a new id: the transaction kept the pending id',
})
export class PendingMatch {
  @Field(() => String, { description: 'The authorised amount while pending (tips, fuel, FX may change it)' })
  pendingAmount!: string;

  @Field(() => GraphQLISODateTime, { description: 'The pending entry’s booking date-time' })
  pendingBookingDateTime!: Date;

  @Field(() => Float, {
    description: '0 to 1 (1: same amount, counterparty or description, and dates within a day)',
  })
  confidence!: number;

  @Field(() => GraphQLISODateTime, { description: 'When the booked entry was matched' })
  matchedAt!: Date;
}

@ObjectType({ description: 'A booked or pending entry on an account, as the bank reported it' })
export class Transaction {
  /**
   * Not a field: what the category resolver personalises (the bank's data, stored defaults).
   * Absent when the page did not read the enrichment columns (the request asked no field
   * that needs them).
   */
  enrichment?: { input: EnrichmentInput; defaults: Enrichment };

  @Field(() => ID, {
    description:
      'Opaque and stable: a pending entry keeps its id when booked, also when the bank books it under a new id and the match is clear (see matchedFrom)',
  })
  id!: string;

  @Field(() => ID)
  accountId!: string;

  @Field(() => String, { description: 'Booked or Pending' })
  status!: string;

  @Field(() => String, { description: 'Decimal string, never a float; the sign is creditDebit' })
  amount!: string;

  @Field(() => String, { description: 'ISO 4217 currency code' })
  currency!: string;

  @Field(() => String, { description: 'Credit (money in) or Debit (money out)' })
  creditDebit!: string;

  @Field(() => GraphQLISODateTime, {
    description: 'Booking date-time; for pending entries the date the bank expects',
  })
  bookingDateTime!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  valueDateTime!: Date | null;

  @Field(() => String, { nullable: true, description: 'Needs ReadTransactionsDetail' })
  description!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The other party’s name. Needs ReadTransactionsDetail',
  })
  counterparty!: string | null;

  @Field(() => Merchant, { nullable: true, description: 'Needs ReadTransactionsDetail' })
  merchant!: Merchant | null;

  @Field(() => PendingMatch, {
    nullable: true,
    description:
      'Set when the bank booked this pending entry under a new id and it was matched back to it',
  })
  matchedFrom!: PendingMatch | null;

  @Field(() => [ID], {
    description:
      'Pending transactions this booked one could equally have settled: it was kept separate (removed + added) and flagged; empty otherwise',
  })
  pendingCandidates!: string[];
}

@ObjectType()
export class TransactionEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Transaction)
  node!: Transaction;
}

@ObjectType({ description: 'Relay page info (named apart so other subgraphs may define theirs)' })
export class TransactionPageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType({ description: 'A page of an account’s transactions, newest first' })
export class TransactionConnection {
  @Field(() => [TransactionEdge])
  edges!: TransactionEdge[];

  @Field(() => TransactionPageInfo)
  pageInfo!: TransactionPageInfo;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When these were last fetched from the bank',
  })
  syncedAt!: Date | null;
}

@ObjectType()
export class RemovedTransaction {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  accountId!: string;
}

@ObjectType({
  description:
    'Changes since a cursor, as Plaid’s /transactions/sync. Pending → booked is modified, also when the bank issues a new id and the booked entry matches its pending one (Transaction.matchedFrom); removed + added only when no single pending entry fits (Transaction.pendingCandidates)',
})
export class TransactionsSync {
  @Field(() => [Transaction])
  added!: Transaction[];

  @Field(() => [Transaction])
  modified!: Transaction[];

  @Field(() => [RemovedTransaction])
  removed!: RemovedTransaction[];

  @Field(() => String, { description: 'Pass to the next call; store it once applied' })
  nextCursor!: string;

  @Field(() => Boolean, { description: 'More changes wait: call again with nextCursor' })
  hasMore!: boolean;

  @Field(() => [String], {
    description: 'Banks that could not be refreshed now; their changes come in a later call',
  })
  unavailableBankIds!: string[];
}
