import pg from 'pg';
import { providerOf, sqliteFile } from '../db/index.ts';
import { SqliteChainWriter } from './sqlite-writer.ts';
import type { AuditBatchInput, ChainLink } from './types.ts';

/** A batch with its canonical header already built (outside the lock). */
export interface QueuedBatch {
  batch: AuditBatchInput;
  header: string;
}

/** The batch's columns as both writers take them (JSON-safe: the date as ISO text). */
export function batchColumns({ batch: { records, ...request } }: QueuedBatch) {
  return {
    ...request,
    at: request.at.toISOString(),
    jurisdiction: request.jurisdiction ?? null,
    recordCount: records.count,
    uses: records.uses,
  };
}

/** Raised when the chain's state forbids appending (its head row was removed). */
export class AuditChainError extends Error {
  override name = 'AuditChainError';
}

/**
 * Appends groups of batches to the chain in one transaction each, holding the chain lock.
 * The hot path of every request, so it talks to the driver directly: through Prisma a
 * 100-record batch cost ~10x more (parameter mapping per value; docs/DECISIONS.md).
 */
export interface ChainWriter {
  append(group: QueuedBatch[]): Promise<ChainLink[]>;
  close(): Promise<void>;
}

/** Any constant unlike our other advisory locks; audit_append (migration 0003) takes it too. */
export const chainLockKey = 7370619;

const missingHead = () =>
  new AuditChainError('The audit chain head is missing; run `audit verify`');

/**
 * PostgreSQL: node-postgres on a small pool of its own, one statement per group: the
 * `audit_append` function (migration 0003) takes `pg_advisory_xact_lock`, reads the head,
 * hashes and inserts each batch and its field uses, and moves the head, in the statement's
 * own transaction. A round trip per step cost more than the rest of the append together.
 */
class PostgresChainWriter implements ChainWriter {
  private readonly pool: pg.Pool;

  constructor(url: string, onIdleError: (e: Error) => void) {
    // Bounded waits: a store that hangs must fail requests (closed), not hold them forever.
    this.pool = new pg.Pool({
      connectionString: url,
      max: 2,
      connectionTimeoutMillis: 5_000,
      statement_timeout: 10_000,
    });
    // A connection dropped while idle must not crash the process; the next append fails closed.
    this.pool.on('error', onIdleError);
  }

  async append(group: QueuedBatch[]): Promise<ChainLink[]> {
    try {
      const { rows } = await this.pool.query<{ out_seq: string; out_hash: string }>(
        'SELECT "out_seq", "out_hash" FROM "audit_append"($1::json, $2::text)',
        [
          JSON.stringify(group.map(batchColumns)),
          group.map((g) => `${g.header}\u0001${g.batch.records.text}`).join('\u0001'),
        ],
      );
      return rows.map((r) => ({ seq: BigInt(r.out_seq), hash: r.out_hash }));
    } catch (e) {
      if (e instanceof Error && /chain head is missing/.test(e.message)) throw missingHead();
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export function openChainWriter(url: string, onIdleError: (e: Error) => void): ChainWriter {
  return providerOf(url) === 'sqlite'
    ? new SqliteChainWriter(sqliteFile(url))
    : new PostgresChainWriter(url, onIdleError);
}
