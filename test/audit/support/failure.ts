import type { AuditDb } from '../../../src/shared/audit/db.ts';

/**
 * Makes every insert of audit records fail, as a full disk or a broken replica would, and
 * undoes it. A trigger, because an open SQLite handle keeps writing to a file made read-only.
 */
export async function breakRecordInserts(db: AuditDb, provider: 'sqlite' | 'postgresql') {
  if (provider === 'sqlite') {
    await db.$executeRawUnsafe(
      `CREATE TRIGGER "audit_fail" BEFORE INSERT ON "AuditRecord" BEGIN SELECT RAISE(ABORT, 'simulated disk full'); END`,
    );
  } else {
    await db.$executeRawUnsafe(
      `CREATE OR REPLACE FUNCTION audit_fail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'simulated disk full'; END $$ LANGUAGE plpgsql`,
    );
    await db.$executeRawUnsafe(
      `CREATE TRIGGER "audit_fail" BEFORE INSERT ON "AuditRecord" FOR EACH STATEMENT EXECUTE FUNCTION audit_fail()`,
    );
  }
  return () =>
    db.$executeRawUnsafe(
      provider === 'sqlite'
        ? `DROP TRIGGER "audit_fail"`
        : `DROP TRIGGER "audit_fail" ON "AuditRecord"`,
    );
}
