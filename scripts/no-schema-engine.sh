#!/bin/sh
# Stands in for Prisma's native schema engine, which Prisma 7's CLI insists exists before
# `prisma generate` (which never runs it) and would otherwise download from
# binaries.prisma.sh. Nothing here uses the schema engine: migrations are diffed by
# scripts/prisma-migration.ts and applied by src/shared/db/migrate.ts. Any real use fails.
echo "ledgergraph: Prisma's schema engine is not installed here (scripts/no-schema-engine.sh)" >&2
exit 1
