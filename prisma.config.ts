// Prisma's CLI is used here only to generate the clients (scripts/prisma-generate.ts), which
// needs no database. Migrations are diffed by a pinned Prisma 6 CLI with its own config
// (scripts/prisma-diff.config.ts, scripts/prisma-migration.ts) and applied by
// src/shared/db/migrate.ts, never by `prisma migrate`.
import { defineConfig } from 'prisma/config';

export default defineConfig({ schema: 'prisma/consent/schema.prisma' });
