// Config of the migration diff tool only (scripts/prisma-migration.ts): a Prisma 6 CLI,
// which can diff two schemas with its Wasm schema engine (`engine: 'js'` with an adapter).
// Prisma 7's CLI needs its native schema engine for that, downloaded from
// binaries.prisma.sh, which the machines here cannot reach. A plain object: Prisma 6 reads
// it, and Prisma 7's `defineConfig` would brand it for the wrong version.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';

export default {
  experimental: { adapter: true },
  engine: 'js',
  // Written by scripts/prisma-migration.ts before each diff.
  schema: '../src/generated/schemas/diff.next.prisma',
  adapter: async () => new PrismaBetterSqlite3({ url: ':memory:' }),
};
