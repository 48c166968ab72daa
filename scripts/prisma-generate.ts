// Generates one Prisma client per store and provider. The checked-in schema is written
// for SQLite; PostgreSQL gets a copy with the provider swapped, because a generated client
// only works with an adapter of its own provider.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const stores = ['consent', 'accounts', 'payments', 'audit'] as const;
export const providers = ['sqlite', 'postgresql'] as const;
const root = resolve(import.meta.dirname, '..');

/**
 * A store's schema for one provider. `client` is what Prisma 7's generator reads (no
 * datasource url: adapters connect). `diff` is what the migration diff tool reads: a pinned
 * Prisma 6 CLI (scripts/prisma-migration.ts says why), which wants a url and the Rust-free
 * client engine named before it will diff without downloading engines.
 */
export function schemaFor(
  store: string,
  provider: string,
  o: { sourceFile?: string; target?: 'client' | 'diff' } = {},
): string {
  const source = readFileSync(o.sourceFile ?? join(root, 'prisma', store, 'schema.prisma'), 'utf8');
  const forDiff = o.target === 'diff';
  const url = provider === 'sqlite' ? 'file:./unused.db' : 'postgresql://unused';
  return source
    .replace(/^\s*(engineType|url)\s*=.*\n/gm, '')
    .replace(
      /provider\s*=\s*"sqlite"/,
      `provider = "${provider}"${forDiff ? `\n  url      = "${url}"` : ''}`,
    )
    .replace(
      /output\s*=\s*"[^"]*"/,
      `output = "${join(root, 'src', 'generated', store, provider)}"${forDiff ? '\n  engineType = "client"' : ''}`,
    );
}

export function writeSchemaVariant(store: string, provider: string): string {
  const dir = join(root, 'src', 'generated', 'schemas');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${store}.${provider}.prisma`);
  writeFileSync(file, schemaFor(store, provider));
  return file;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const store of stores) {
    for (const provider of providers) {
      const file = writeSchemaVariant(store, provider);
      execFileSync(join(root, 'node_modules', '.bin', 'prisma'), ['generate', '--schema', file], {
        cwd: root,
        // Its chatter goes; a failure's stderr is in the thrown error's message.
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          PRISMA_SCHEMA_ENGINE_BINARY: join(root, 'scripts', 'no-schema-engine.sh'),
          ...process.env,
          PRISMA_HIDE_UPDATE_MESSAGE: '1',
        },
      });
    }
  }
  console.log(`prisma clients generated for ${stores.join(', ')} × ${providers.join(', ')}`);
}
