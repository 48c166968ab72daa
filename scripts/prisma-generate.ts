// Generates one Prisma client per store and provider. The checked-in schema is written
// for SQLite; PostgreSQL gets a copy with the provider swapped, because a generated client
// only works with an adapter of its own provider.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const stores = ['consent', 'accounts', 'payments', 'audit'] as const;
export const providers = ['sqlite', 'postgresql'] as const;
const root = resolve(import.meta.dirname, '..');

export function schemaFor(store: string, provider: string, sourceFile?: string): string {
  const source = readFileSync(sourceFile ?? join(root, 'prisma', store, 'schema.prisma'), 'utf8');
  return source
    .replace(/provider\s*=\s*"sqlite"/, `provider = "${provider}"`)
    .replace(
      /url\s*=\s*"[^"]*"/,
      provider === 'sqlite' ? 'url = "file:./unused.db"' : 'url = "postgresql://unused"',
    )
    .replace(
      /output\s*=\s*"[^"]*"/,
      `output = "${join(root, 'src', 'generated', store, provider)}"`,
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
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      });
    }
  }
  console.log(`prisma clients generated for ${stores.join(', ')} × ${providers.join(', ')}`);
}
