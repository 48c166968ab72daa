// Prisma's CLI is used only to generate clients and to diff schemas into SQL migrations.
// `engine: 'js'` with an adapter makes it use the Wasm schema engine, so nothing is
// downloaded (the machines reach only the npm registry). Migrations are applied by
// src/shared/db/migrate.ts, not by `prisma migrate`.
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/consent/schema.prisma',
  adapter: async () => new PrismaBetterSQLite3({ url: ':memory:' }),
});
