import type { AuditDb } from '../../../src/shared/audit/db.ts';

/**
 * Makes every insert of audit records fail, as a full disk or a broken replica would, and
 * undoes it. A trigger, because an open SQLite handle keeps writing to a file made read-only.
 * It fires on the field-use index, written after the batch row in the same transaction, so
 * the write fails halfway through. On SQLite a batch without records inserts no field use and
 * still goes through.
 */
export async function breakRecordInserts(db: AuditDb, provider: 'sqlite' | 'postgresql') {
  if (provider === 'sqlite') {
    await db.$executeRawUnsafe(
      `CREATE TRIGGER "audit_fail" BEFORE INSERT ON "AuditFieldUse" BEGIN SELECT RAISE(ABORT, 'simulated disk full'); END`,
    );
  } else {
    await db.$executeRawUnsafe(
      `CREATE OR REPLACE FUNCTION audit_fail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'simulated disk full'; END $$ LANGUAGE plpgsql`,
    );
    await db.$executeRawUnsafe(
      `CREATE TRIGGER "audit_fail" BEFORE INSERT ON "AuditFieldUse" FOR EACH STATEMENT EXECUTE FUNCTION audit_fail()`,
    );
  }
  return () =>
    db.$executeRawUnsafe(
      provider === 'sqlite'
        ? `DROP TRIGGER "audit_fail"`
        : `DROP TRIGGER "audit_fail" ON "AuditFieldUse"`,
    );
}
