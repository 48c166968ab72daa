import { Prisma, type Consent } from '../../../generated/consent/sqlite/client.ts';
import { columnList } from '../../../shared/db/index.ts';
import type { ConsentDb } from './client.ts';

/** The consent's columns a grant is made of: its parties, status and terms. */
const consentColumnNames = [
  'id',
  'clientAppId',
  'psuId',
  'status',
  'permissions',
  'selectedAccountIds',
  'transactionFromDate',
  'transactionToDate',
  'expiresAt',
] as const satisfies readonly (keyof Consent)[];

const consentColumns = Prisma.raw(columnList(consentColumnNames, 'c'));

/** The consent's side of a grant and its PSU's country of residence. */
export type GrantRow = Pick<Consent, (typeof consentColumnNames)[number]> & {
  /** Null when the consent has no PSU (yet), or the PSU's row is gone. */
  country: string | null;
};

/**
 * The consent behind an access token and its PSU's country, in one statement. Without a
 * grant cache this runs on every consent-bound request; Prisma's `include` reads a relation
 * with a second statement on SQLite (its joins are for PostgreSQL and MySQL only), and each
 * statement costs Prisma's per-query work besides the read (docs/BENCHMARKS.md, session 9).
 * Dates come back as Date: the adapters convert by the columns' declared types, as for
 * `findUnique`.
 */
export async function readGrantRow(db: ConsentDb, id: string): Promise<GrantRow | null> {
  const rows = await db.$queryRaw<GrantRow[]>`SELECT ${consentColumns}, p."country"
    FROM "Consent" c LEFT JOIN "Psu" p ON p."id" = c."psuId"
    WHERE c."id" = ${id}`;
  return rows[0] ?? null;
}
