import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, postgresAvailable } from './postgres.ts';

export interface TestStore {
  provider: 'sqlite' | 'postgresql';
  url: string;
  drop(): Promise<void>;
}

/**
 * The database kinds every store test runs against: SQLite always, PostgreSQL when a server
 * answers (under CI=true a silent server fails the tests; elsewhere the skip is printed).
 */
export const storeKinds = [
  {
    provider: 'sqlite' as const,
    available: async () => true,
    create: async (): Promise<TestStore> => {
      const dir = mkdtempSync(join(tmpdir(), 'ledgergraph-store-'));
      return {
        provider: 'sqlite',
        url: `file:${join(dir, 'store.db')}`,
        drop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    provider: 'postgresql' as const,
    available: postgresAvailable,
    create: async (): Promise<TestStore> => ({
      provider: 'postgresql',
      ...(await createTestDatabase()),
    }),
  },
];
