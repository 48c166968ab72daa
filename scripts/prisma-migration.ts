// Writes the next SQL migration of a store for every provider, diffing the schema as of the
// last migration (migrations/schema.snapshot.prisma) against the current schema.prisma.
// Usage: npm run db:migration -- <store> <name>
// The diff is Prisma 6's (the `prisma-migrate-diff` dev dependency, config in
// scripts/prisma-diff.config.ts): Prisma 7 diffs only with a native engine it must download.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { providers, schemaFor, stores } from './prisma-generate.ts';

const root = resolve(import.meta.dirname, '..');
const [store, name] = process.argv.slice(2);
if (
  !store ||
  !(stores as readonly string[]).includes(store) ||
  !name ||
  !/^[a-z0-9_]+$/.test(name)
) {
  console.error(`usage: db:migration <${stores.join('|')}> <snake_case_name>`);
  process.exit(2);
}
const migrations = join(root, 'prisma', store, 'migrations');
const snapshot = join(migrations, 'schema.snapshot.prisma');
const tmp = join(root, 'src', 'generated', 'schemas');
mkdirSync(tmp, { recursive: true });

let wrote = false;
for (const provider of providers) {
  const dir = join(migrations, provider);
  mkdirSync(dir, { recursive: true });
  // The diff config names this file as its schema: the CLI reads it to learn it needs no
  // engine download.
  const to = join(tmp, 'diff.next.prisma');
  writeFileSync(to, schemaFor(store, provider, { target: 'diff' }));
  const from = existsSync(snapshot)
    ? ['--from-schema-datamodel', snapshotVariant(provider)]
    : ['--from-empty'];
  const sql = execFileSync(
    process.execPath,
    [
      join(root, 'node_modules', 'prisma-migrate-diff', 'build', 'index.js'),
      'migrate',
      'diff',
      '--config',
      join(root, 'scripts', 'prisma-diff.config.ts'),
      ...from,
      '--to-schema-datamodel',
      to,
      '--script',
    ],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (/^\s*(-- This is an empty migration\.)?\s*$/.test(sql)) continue;
  const next = String(readdirSync(dir).filter((f) => f.endsWith('.sql')).length + 1).padStart(
    4,
    '0',
  );
  writeFileSync(join(dir, `${next}_${name}.sql`), sql);
  console.log(`wrote ${provider}/${next}_${name}.sql`);
  wrote = true;
}
if (wrote) copyFileSync(join(root, 'prisma', store, 'schema.prisma'), snapshot);
else console.log('schema unchanged: no migration written');

function snapshotVariant(provider: string): string {
  const file = join(tmp, `${store}.${provider}.snapshot.prisma`);
  writeFileSync(file, schemaFor(store!, provider, { sourceFile: snapshot, target: 'diff' }));
  return file;
}
