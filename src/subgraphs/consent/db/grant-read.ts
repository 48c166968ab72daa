import type { ConsentDb } from './client.ts';

/** What a grant is made of: the consent's terms and its PSU's country of residence. */
export interface GrantRow {
  id: string;
  clientAppId: string;
  psuId: string | null;
  status: string;
  permissions: string;
  selectedAccountIds: string;
  transactionFromDate: Date | null;
  transactionToDate: Date | null;
  expiresAt: Date | null;
  /** Null when the consent has no PSU (yet), or the PSU's row is gone. */
  country: string | null;
}

/**
 * The consent behind an access token and its PSU's country, in one statement. Without a
 * grant cache this runs on every consent-bound request; Prisma's `include` reads a relation
 * with a second statement on SQLite (its joins are for PostgreSQL and MySQL only), and each
 * statement costs Prisma's per-query work besides the read (docs/BENCHMARKS.md, session 9).
 * Dates come back as Date: the adapters convert by the columns' declared types, as for
 * `findUnique`.
 */
export async function readGrantRow(db: ConsentDb, id: string): Promise<GrantRow | null> {
  const rows = await db.$queryRaw<GrantRow[]>`SELECT c."id", c."clientAppId", c."psuId",
      c."status", c."permissions", c."selectedAccountIds", c."transactionFromDate",
      c."transactionToDate", c."expiresAt", p."country"
    FROM "Consent" c LEFT JOIN "Psu" p ON p."id" = c."psuId"
    WHERE c."id" = ${id}`;
  return rows[0] ?? null;
}
