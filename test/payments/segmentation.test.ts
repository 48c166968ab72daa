import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Micro-segmentation: the payments store knows parties only by opaque ids. A PSU's e-mail,
// name, login or contact details live in the consent store and never come here.
const store = resolve(import.meta.dirname, '../../prisma/payments');
const forbidden =
  /e_?mail|username|login|password|display_?name|first_?name|last_?name|full_?name|given_?name|family_?name|surname|psu_?name|debtor_?name|phone|mobile|address|birth/i;

function migrationFiles(): string[] {
  return ['sqlite', 'postgresql'].flatMap((provider) => {
    const dir = join(store, 'migrations', provider);
    return readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => join(dir, f));
  });
}

/** Every field name of every model: `  name  Type ...` lines inside `model X { }`. */
function schemaFields(schema: string): string[] {
  const fields: string[] = [];
  for (const [, body] of schema.matchAll(/model\s+\w+\s*\{([^}]*)\}/g)) {
    for (const line of (body ?? '').split('\n')) {
      const name = /^\s*(\w+)\s+\w/.exec(line)?.[1];
      if (name && !line.trim().startsWith('@@')) fields.push(name);
    }
  }
  return fields;
}

/** Column names in CREATE TABLE / ADD COLUMN statements, quoted as Prisma writes them. */
function sqlColumns(sql: string): string[] {
  const columns: string[] = [];
  for (const [, body] of sql.matchAll(/CREATE TABLE "\w+" \(([\s\S]*?)\n\);/g)) {
    for (const [, name] of (body ?? '').matchAll(/^\s*"(\w+)"/gm)) columns.push(name!);
  }
  for (const [, name] of sql.matchAll(/ADD COLUMN\s+"(\w+)"/g)) columns.push(name!);
  return columns;
}

describe('the payments store holds no PSU names or e-mails', () => {
  it('schema.prisma has no field that names, mails or locates a person', () => {
    const fields = schemaFields(readFileSync(join(store, 'schema.prisma'), 'utf8'));
    expect(fields).toContain('psuId');
    expect(fields).toContain('creditorName');
    expect(fields.filter((f) => forbidden.test(f))).toEqual([]);
  });

  it('no migration, on either provider, ever created such a column', () => {
    const files = migrationFiles();
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const columns = sqlColumns(readFileSync(file, 'utf8'));
      expect(columns.length, file).toBeGreaterThan(0);
      expect(
        columns.filter((c) => forbidden.test(c)),
        file,
      ).toEqual([]);
    }
  });

  it('the check itself catches a PSU e-mail or name column', () => {
    expect(
      sqlColumns('CREATE TABLE "P" (\n    "psuEmail" TEXT NOT NULL\n);').filter((c) =>
        forbidden.test(c),
      ),
    ).toEqual(['psuEmail']);
    expect(
      schemaFields('model P {\n  id String @id\n  debtorName String\n}').filter((f) =>
        forbidden.test(f),
      ),
    ).toEqual(['debtorName']);
  });
});
