import { resolve } from 'node:path';
import { applyMigrations, createAdapter, providerOf } from '../db/index.ts';
import {
  PrismaClient,
  type AuditBatch,
  type AuditFieldUse,
  type Prisma,
} from '../../generated/audit/sqlite/client.ts';
import { PrismaClient as PostgresClient } from '../../generated/audit/postgresql/client.ts';

/**
 * The only module that touches the audit store's Prisma client. Both generated clients
 * expose the same API; the SQLite one's type stands for both.
 */
export type AuditDb = PrismaClient;
export type AuditTx = Prisma.TransactionClient;
export type AuditBatchRow = AuditBatch;
export type AuditFieldUseRow = AuditFieldUse;

/** Opens the audit store at a `file:` (SQLite) or `postgresql://` URL. */
export function openAuditDb(url: string, adapter = createAdapter(url)): AuditDb {
  return providerOf(url) === 'sqlite'
    ? new PrismaClient({ adapter })
    : (new PostgresClient({ adapter }) as unknown as AuditDb);
}

export const auditStoreDir = resolve(import.meta.dirname, '../../../prisma/audit');

/** Applies the audit store's pending migrations; returns their names. */
export function migrateAuditDb(url: string): Promise<string[]> {
  return applyMigrations(url, auditStoreDir);
}
