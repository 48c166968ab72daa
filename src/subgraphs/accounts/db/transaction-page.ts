import {
  Prisma,
  type Transaction as TransactionRow,
} from '../../../generated/accounts/sqlite/client.ts';
import { columnList } from '../../../shared/db/index.ts';
import type { AccountsDb } from './client.ts';

/**
 * A page of an account's transactions, newest first, read by hand. Prisma's `findMany`
 * turned each row into an object in its client-side data mapping (every column of every row
 * through a generic per-field switch, dates re-parsed): for the dashboard's 6 pages of 101
 * rows that cost about 3.5 times the same SELECT through `$queryRaw`, and it was the largest
 * single cost of the request (docs/BENCHMARKS.md "Dashboard hot path"). The statement is the
 * one `findMany` sent: same conditions, same order, same limit; test/accounts/sync.test.ts
 * checks, on both stores, that the two give the same rows.
 */

/**
 * The columns a page may read, in groups: each group is what some Transaction fields need
 * (src/subgraphs/accounts/resolvers/transaction-fields.ts says which), and a page reads only
 * the groups its request asked for. Every column read costs on every row (the driver makes a
 * JS value of it, Prisma converts it): the dashboard's 600 rows cost 7.6–10 ms of CPU with
 * all 25 columns, 4.6–5.4 ms with 9. `core` is always read: the cursor and the bounds are
 * made of it. A column may sit in several groups (enrichment reads the statement line too).
 * Nothing kept for sync only is here.
 */
export const columnGroups = {
  core: ['id', 'accountId', 'status', 'amount', 'currency', 'creditDebit', 'bookingDateTime'],
  valueDate: ['valueDateTime'],
  description: ['description'],
  counterparty: ['counterpartyName'],
  enrichment: [
    'description',
    'counterpartyName',
    'merchantName',
    'merchantCategoryCode',
    'bankTransactionCode',
    'bankProprietaryCode',
    'enrichmentVersion',
    'categoryDetailed',
    'categoryConfidence',
    'categoryReason',
    'merchantId',
    'merchantDisplayName',
  ],
  pendingMatch: [
    'matchConfidence',
    'pendingAmount',
    'pendingDateTime',
    'matchedAt',
    'matchCandidates',
  ],
} as const satisfies Record<string, readonly (keyof TransactionRow)[]>;

export type ColumnGroup = keyof typeof columnGroups;
/** Every group: what a read that was told nothing reads, and a request it cannot judge. */
export const allGroups: readonly ColumnGroup[] = Object.keys(columnGroups) as ColumnGroup[];

/** The stored columns of one group, typed as the store's model. */
export type GroupRow<G extends ColumnGroup> = Pick<
  TransactionRow,
  (typeof columnGroups)[G][number]
>;

/**
 * A row as a page reads it: the core, and of the other groups those it was asked for. A
 * whole row (Prisma's, by id or for sync) is one with every group.
 */
export type PageRow = GroupRow<'core'> & Partial<GroupRow<Exclude<ColumnGroup, 'core'>>>;

/** Whether the row was read with this group: its columns are there (null or not). */
export function hasGroup<G extends ColumnGroup>(r: PageRow, group: G): r is PageRow & GroupRow<G> {
  // A raw read gives exactly the columns it selected; every column is checked, not one,
  // since a column of this group may have come in with another group.
  return columnGroups[group].every((c) => c in r);
}

export interface PageQuery {
  accountId: string;
  /** Never empty (an empty set of directions is an empty page, not a query). */
  directions: readonly string[];
  from: Date | undefined;
  to: Date | undefined;
  /** The last row of the previous page. */
  after: { at: Date; id: string } | undefined;
  limit: number;
}

/** The SELECT list of these groups, each column once and always in the same order. */
const selectLists = new Map<string, Prisma.Sql>();
function columnsOf(groups: readonly ColumnGroup[]): Prisma.Sql {
  const wanted = new Set<ColumnGroup>(['core', ...groups]);
  const chosen = allGroups.filter((g) => wanted.has(g));
  const key = chosen.join(' ');
  let list = selectLists.get(key);
  if (!list) {
    const names = new Set(chosen.flatMap((g) => columnGroups[g]));
    list = Prisma.raw(columnList(names));
    selectLists.set(key, list);
  }
  return list;
}

function conditionsOf(q: PageQuery): Prisma.Sql {
  const conditions = [
    Prisma.sql`"accountId" = ${q.accountId}`,
    Prisma.sql`"removedAt" IS NULL`,
    Prisma.sql`"creditDebit" IN (${Prisma.join([...q.directions])})`,
  ];
  // Dates as Date parameters: the driver adapter formats them as it does for findMany (on
  // SQLite "+00:00" text, not toISOString's "Z"), so the comparisons are findMany's.
  if (q.from) conditions.push(Prisma.sql`"bookingDateTime" >= ${q.from}`);
  if (q.to) conditions.push(Prisma.sql`"bookingDateTime" <= ${q.to}`);
  if (q.after) {
    const after = q.after.at;
    conditions.push(
      Prisma.sql`("bookingDateTime" < ${after} OR ("bookingDateTime" = ${after} AND "id" < ${q.after.id}))`,
    );
  }
  return Prisma.join(conditions, ' AND ');
}

const order = Prisma.sql`ORDER BY "bookingDateTime" DESC, "id" DESC`;

export async function readTransactionPage(
  db: AccountsDb,
  q: PageQuery,
  groups: readonly ColumnGroup[] = allGroups,
): Promise<PageRow[]> {
  return db.$queryRaw<PageRow[]>`SELECT ${columnsOf(groups)}
    FROM "Transaction" WHERE ${conditionsOf(q)}
    ${order} LIMIT ${q.limit}`;
}

/**
 * Pages joined in one statement at most: SQLite takes at most 500 SELECTs in a compound one,
 * and a statement's parameters are bounded on both stores.
 */
const pagesPerStatement = 100;

/**
 * Several pages in one statement (a dashboard's accounts): each page is the SELECT above,
 * with its own conditions, order and limit, read off the (accountId, bookingDateTime) index;
 * the pages are joined by UNION ALL, each row tagged with its page's position. Nothing in SQL
 * promises that a UNION ALL keeps each member's order, and a cursor must page in exactly the
 * order one page's own read gives, the store's collation of ids included. So the union is
 * ordered by page, then by the pages' own key, compared by the store as each member compared
 * it: (bookingDateTime, id) is unique, so each page comes back in its own read's order.
 * Sorting the union's few hundred narrow rows cost less than numbering each member's rows
 * with ROW_NUMBER, which it replaced (1.5 of 6.9 ms for the dashboard's 6 pages on SQLite,
 * docs/BENCHMARKS.md, session 9). test/accounts/sync.test.ts checks on both stores that
 * pages read together are the pages read one by one, rows sharing an instant included. The
 * members of a UNION have one column list: every page is read with all the `groups` asked
 * (the union of its callers' groups).
 */
export async function readTransactionPages(
  db: AccountsDb,
  qs: readonly PageQuery[],
  groups: readonly ColumnGroup[] = allGroups,
): Promise<PageRow[][]> {
  const pages: PageRow[][] = [];
  for (let i = 0; i < qs.length; i += pagesPerStatement) {
    pages.push(...(await readTogether(db, qs.slice(i, i + pagesPerStatement), groups)));
  }
  return pages;
}

async function readTogether(
  db: AccountsDb,
  qs: readonly PageQuery[],
  groups: readonly ColumnGroup[],
): Promise<PageRow[][]> {
  if (qs.length === 1) return [await readTransactionPage(db, qs[0]!, groups)];
  const columns = columnsOf(groups);
  const parts = qs.map(
    (q, i) => Prisma.sql`SELECT * FROM (SELECT ${Prisma.raw(String(i))} AS "page", ${columns}
      FROM "Transaction" WHERE ${conditionsOf(q)}
      ${order} LIMIT ${q.limit}) AS ${Prisma.raw(`"p${i}"`)}`,
  );
  const rows = await db.$queryRaw<Tagged[]>`${Prisma.join(parts, ' UNION ALL ')}
    ORDER BY "page", "bookingDateTime" DESC, "id" DESC`;
  const pages = Array.from({ length: qs.length }, (): PageRow[] => []);
  for (const r of rows) pages[Number(r.page)]!.push(r);
  return pages;
}

type Tagged = PageRow & { page: number | bigint };
