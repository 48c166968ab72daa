import { badInput } from '../../../shared/errors/index.ts';
import type { AccountsDb } from '../db/client.ts';
import {
  allGroups,
  hasGroup,
  readTransactionPages,
  type ColumnGroup,
  type PageRow,
} from '../db/transaction-page.ts';
import { fromStored, inputOf } from '../enrichment/stored.ts';
import { Merchant, PendingMatch, Transaction } from '../schema/transaction.type.ts';
import type { TransactionBounds } from './access.ts';

export interface PageArgs {
  first: number;
  after: string | null;
}

export interface TransactionPage {
  items: { cursor: string; node: Transaction }[];
  hasNextPage: boolean;
}

export interface SyncChanges {
  added: Transaction[];
  modified: Transaction[];
  removed: { id: string; accountId: string }[];
  nextCursor: string;
  hasMore: boolean;
}

export const maxPageSize = 500;

/**
 * Reads the sync store, always inside the caller's bounds: the date window and the money
 * directions of the consent are part of every query (rows a consent may not see are never
 * loaded, let alone filtered after the fact).
 */
export class TransactionService {
  constructor(private readonly db: AccountsDb) {}

  /** Newest first, Relay-style: `after` is the endCursor of the previous page. */
  async page(
    accountId: string,
    bounds: TransactionBounds,
    args: PageArgs,
    groups: readonly ColumnGroup[] = allGroups,
  ): Promise<TransactionPage> {
    return (await this.pages([{ accountId, bounds, args }], groups))[0]!;
  }

  /**
   * Several pages (a request's accounts) in one read of the store, each as `page` reads it,
   * with the columns of these `groups` (the fields of other groups are left unset).
   */
  async pages(
    asked: readonly { accountId: string; bounds: TransactionBounds; args: PageArgs }[],
    groups: readonly ColumnGroup[] = allGroups,
  ): Promise<TransactionPage[]> {
    const queries = asked.map(({ accountId, bounds, args }) => {
      if (!Number.isInteger(args.first) || args.first < 1 || args.first > maxPageSize) {
        throw badInput(`first must be between 1 and ${maxPageSize}`);
      }
      if (bounds.empty) return undefined;
      return {
        accountId,
        directions: bounds.directions,
        from: bounds.from,
        to: bounds.to,
        after: args.after ? decodePageCursor(args.after) : undefined,
        limit: args.first + 1,
      };
    });
    const read = queries.filter((q) => q !== undefined);
    const rows = await readTransactionPages(this.db, read, groups);
    let next = 0;
    return asked.map(({ args }, i) => {
      if (!queries[i]) return { items: [], hasNextPage: false };
      const page = rows[next++]!;
      return {
        items: page.slice(0, args.first).map((r) => new PageEdge(toTransaction(r))),
        hasNextPage: page.length > args.first,
      };
    });
  }

  /** One transaction the caller was just allowed to touch (the service checked its bounds). */
  async byId(id: string): Promise<Transaction> {
    return toTransaction(await this.db.transaction.findUniqueOrThrow({ where: { id } }));
  }

  /**
   * Changes since the cursor, as Plaid's /transactions/sync reports them. Several changes to
   * one transaction collapse into its state now: added (first change after the cursor was
   * its addition), modified, or removed. Something added and removed again in between is
   * not reported at all.
   */
  async changes(
    accountIds: readonly string[],
    bounds: TransactionBounds,
    cursor: string | null,
    count: number,
  ): Promise<SyncChanges> {
    if (!Number.isInteger(count) || count < 1 || count > maxPageSize) {
      throw badInput(`count must be between 1 and ${maxPageSize}`);
    }
    const position = cursor ? decodeSyncCursor(cursor) : 0;
    const log = await this.db.transactionChange.findMany({
      where: { accountId: { in: [...accountIds] }, id: { gt: position } },
      orderBy: { id: 'asc' },
      take: count + 1,
    });
    const batch = log.slice(0, count);
    const nextCursor = encodeSyncCursor(batch.at(-1)?.id ?? position);
    const firstKind = new Map<string, string>();
    for (const c of batch)
      if (!firstKind.has(c.transactionId)) firstKind.set(c.transactionId, c.kind);
    const rows = bounds.empty
      ? []
      : await this.db.transaction.findMany({
          where: { id: { in: [...firstKind.keys()] }, ...boundsWhere(bounds) },
        });
    const result: SyncChanges = {
      added: [],
      modified: [],
      removed: [],
      nextCursor,
      hasMore: log.length > count,
    };
    for (const row of rows.sort((a, b) => a.id.localeCompare(b.id))) {
      const first = firstKind.get(row.id);
      if (row.removedAt) {
        if (first !== 'added') result.removed.push({ id: row.id, accountId: row.accountId });
      } else if (first === 'added') result.added.push(toTransaction(row));
      else result.modified.push(toTransaction(row));
    }
    return result;
  }
}

/** The consent's bounds as a query condition: rows outside them are never loaded. */
export function boundsWhere(bounds: TransactionBounds) {
  return {
    creditDebit: { in: bounds.directions },
    ...(bounds.from || bounds.to ? { bookingDateTime: { gte: bounds.from, lte: bounds.to } } : {}),
  };
}

/**
 * A row of a page, or the whole row where Prisma reads it (by id, sync changes). Set field by
 * field on the instance (its class fields already exist, in the schema's order): an object
 * literal copied in by Object.assign was one more object and a slow copy, 600 times a
 * dashboard. The fields of a group the page did not read stay unset: the request did not
 * select them (src/subgraphs/accounts/resolvers/transaction-fields.ts), and nothing is made
 * up from columns that are not there.
 */
export function toTransaction(r: PageRow): Transaction {
  const t = new Transaction();
  if (hasGroup(r, 'enrichment')) {
    const enriched = fromStored(r);
    t.enrichment = { input: inputOf(r), defaults: enriched };
    t.merchant =
      enriched.merchant || r.merchantCategoryCode
        ? Object.assign(new Merchant(), {
            id: enriched.merchant?.id ?? null,
            name: enriched.merchant?.name ?? r.merchantName,
            categoryCode: r.merchantCategoryCode,
          })
        : null;
  }
  t.id = r.id;
  t.accountId = r.accountId;
  t.status = r.status;
  t.amount = r.amount;
  t.currency = r.currency;
  t.creditDebit = r.creditDebit;
  t.bookingDateTime = r.bookingDateTime;
  if (hasGroup(r, 'valueDate')) t.valueDateTime = r.valueDateTime;
  if (hasGroup(r, 'description')) t.description = r.description;
  if (hasGroup(r, 'counterparty')) t.counterparty = r.counterpartyName;
  if (hasGroup(r, 'pendingMatch')) {
    t.matchedFrom =
      r.matchConfidence !== null && r.pendingAmount && r.pendingDateTime && r.matchedAt
        ? Object.assign(new PendingMatch(), {
            pendingAmount: r.pendingAmount,
            pendingBookingDateTime: r.pendingDateTime,
            confidence: r.matchConfidence,
            matchedAt: r.matchedAt,
          })
        : null;
    t.pendingCandidates = r.matchCandidates ? (JSON.parse(r.matchCandidates) as string[]) : [];
  }
  return t;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function decode(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw badInput('Not a cursor this API issued');
  }
}

/**
 * An edge of a page. Its cursor (JSON and base64 per row) is made when read: most pages are
 * asked for `pageInfo.endCursor` only, the dashboard's 600 edges for none of theirs.
 */
class PageEdge {
  constructor(readonly node: Transaction) {}

  get cursor(): string {
    return encode(['t', this.node.bookingDateTime.toISOString(), this.node.id]);
  }
}

function decodePageCursor(cursor: string): { at: Date; id: string } {
  const v = decode(cursor);
  if (
    Array.isArray(v) &&
    v.length === 3 &&
    v[0] === 't' &&
    typeof v[1] === 'string' &&
    typeof v[2] === 'string'
  ) {
    const at = new Date(v[1]);
    if (!Number.isNaN(at.getTime())) return { at, id: v[2] };
  }
  throw badInput('Not a cursor this API issued');
}

const encodeSyncCursor = (position: number) => encode(['s', position]);

function decodeSyncCursor(cursor: string): number {
  const v = decode(cursor);
  if (
    Array.isArray(v) &&
    v.length === 2 &&
    v[0] === 's' &&
    Number.isSafeInteger(v[1]) &&
    (v[1] as number) >= 0
  ) {
    return v[1] as number;
  }
  throw badInput('Not a cursor this API issued');
}
