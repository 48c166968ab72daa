import pg from 'pg';
import { providerOf, sqliteFile } from '../db/index.ts';
import { genesisHash, linkHash } from './chain.ts';
import { SqliteChainWriter } from './sqlite-writer.ts';
import type { AuditBatchInput, ChainLink } from './types.ts';

/** A batch with its canonical body already built (outside the lock). */
export interface QueuedBatch {
  batch: AuditBatchInput;
  body: string;
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

/** Any constant works; it only has to differ from the other advisory locks we take. */
export const chainLockKey = 7370619;

/** Numbers each batch after `head` and chains its hash; the rows to insert. */
export function link(group: QueuedBatch[], head: ChainLink) {
  let { seq, hash } = head;
  const links: ChainLink[] = [];
  const batches = group.map(({ batch: b, body }) => {
    const prevHash = hash;
    seq += 1n;
    hash = linkHash(prevHash, seq, body);
    links.push({ seq, hash });
    return { b, seq, prevHash, hash };
  });
  return { links, batches, head: { seq, hash } };
}

const missingHead = () =>
  new AuditChainError('The audit chain head is missing; run `audit verify`');

/**
 * PostgreSQL: node-postgres on a small pool of its own; the chain lock is
 * `pg_advisory_xact_lock`, taken first in the transaction and released by COMMIT; rows go in
 * as arrays through `unnest`, so a batch of any size is three statements.
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
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(${chainLockKey})`);
      const head = await client.query<{ seq: string; hash: string }>(
        'SELECT "seq", "hash" FROM "AuditHead" WHERE "id" = 1',
      );
      const stored = head.rows[0];
      if (!stored) {
        const any = await client.query(
          'SELECT 1 FROM "AuditBatch" UNION ALL SELECT 1 FROM "AuditAnchor" LIMIT 1',
        );
        if (any.rowCount) throw missingHead();
      }
      const linked = link(
        group,
        stored ? { seq: BigInt(stored.seq), hash: stored.hash } : { seq: 0n, hash: genesisHash },
      );
      const col = <T>(f: (x: (typeof linked.batches)[number]) => T) => linked.batches.map(f);
      await client.query(
        `INSERT INTO "AuditBatch" ("seq","prevHash","hash","at","service","requestId","principalKind",
          "principalId","clientId","psuId","consentId","operationName","operationType","recordCount")
         SELECT * FROM unnest($1::bigint[],$2::text[],$3::text[],$4::timestamp(3)[],$5::text[],$6::text[],
          $7::text[],$8::text[],$9::text[],$10::text[],$11::text[],$12::text[],$13::text[],$14::int[])`,
        [
          col((x) => x.seq.toString()),
          col((x) => x.prevHash),
          col((x) => x.hash),
          col((x) => x.b.at.toISOString()),
          col((x) => x.b.service),
          col((x) => x.b.requestId),
          col((x) => x.b.principalKind),
          col((x) => x.b.principalId),
          col((x) => x.b.clientId),
          col((x) => x.b.psuId),
          col((x) => x.b.consentId),
          col((x) => x.b.operationName),
          col((x) => x.b.operationType),
          col((x) => x.b.records.length),
        ],
      );
      // The records go in straight from the hashed body, parsed by PostgreSQL.
      await client.query(
        `INSERT INTO "AuditRecord" ("batchSeq","idx","at","fieldPath","responsePath","args","outcome","errorCode")
         SELECT b.seq, (r.n - 1)::int, (r.v->>'at')::timestamp(3), r.v->>'fieldPath', r.v->>'responsePath',
           r.v->>'args', r.v->>'outcome', r.v->>'errorCode'
         FROM unnest($1::bigint[], $2::json[]) AS b(seq, body),
           json_array_elements(b.body->'records') WITH ORDINALITY AS r(v, n)`,
        [col((x) => x.seq.toString()), group.map((g) => g.body)],
      );
      await client.query(
        `INSERT INTO "AuditHead" ("id","seq","hash","updatedAt") VALUES (1,$1,$2,$3::timestamp(3))
         ON CONFLICT ("id") DO UPDATE SET "seq" = excluded."seq", "hash" = excluded."hash", "updatedAt" = excluded."updatedAt"`,
        [linked.head.seq.toString(), linked.head.hash, new Date().toISOString()],
      );
      await client.query('COMMIT');
      return linked.links;
    } catch (e) {
      broken = e as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      // A connection that failed mid-transaction is not reused.
      client.release(broken);
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
