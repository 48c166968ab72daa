import { providerOf, type DatabaseProvider } from '../db/index.ts';
import { batchBody, genesisHash, linkHash } from './chain.ts';
import { openAuditDb, type AuditDb, type AuditTx } from './db.ts';
import type { AuditBatchInput, AuditSink, ChainLink } from './types.ts';

/** Raised when the chain's state forbids appending (its head row was removed). */
export class AuditChainError extends Error {
  override name = 'AuditChainError';
}

export interface AuditStoreOptions {
  /** Most batches one transaction writes when requests pile up (group commit). */
  maxGroup?: number;
  /** How long an append may wait for the chain lock and run, in ms. */
  transactionTimeoutMs?: number;
}

interface Pending {
  batch: AuditBatchInput;
  body: string;
  resolve: (link: ChainLink) => void;
  reject: (e: unknown) => void;
}

const batchColumns = [
  'seq',
  'prevHash',
  'hash',
  'at',
  'service',
  'requestId',
  'principalKind',
  'principalId',
  'clientId',
  'psuId',
  'consentId',
  'operationName',
  'operationType',
  'recordCount',
];
const recordColumns = [
  'batchSeq',
  'idx',
  'at',
  'fieldPath',
  'responsePath',
  'args',
  'outcome',
  'errorCode',
];

/** Any constant works; it only has to differ from the other advisory locks we take. */
const chainLockKey = 7370619;

/**
 * The audit store's write side: appends batches to one hash chain. Appends of one process go
 * through a queue and are written in groups, one transaction per group (group commit), so
 * a busy subgraph pays one commit for many requests; every caller still waits for the
 * commit that holds its own batch. Appends of different processes serialize on the chain
 * lock taken first in the transaction: `pg_advisory_xact_lock` on PostgreSQL; on SQLite the
 * first statement writes the head row, which takes the database write lock at once like
 * `BEGIN IMMEDIATE` (Prisma's adapter opens a deferred `BEGIN`; a read first would let two
 * writers hold the same snapshot and one fail with SQLITE_BUSY_SNAPSHOT).
 */
export class AuditStore implements AuditSink {
  readonly provider: DatabaseProvider;
  private readonly queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private readonly maxGroup: number;
  private readonly timeout: number;

  constructor(
    readonly db: AuditDb,
    url: string,
    options: AuditStoreOptions = {},
  ) {
    this.provider = providerOf(url);
    this.maxGroup = options.maxGroup ?? 256;
    this.timeout = options.transactionTimeoutMs ?? 10_000;
  }

  /** Opens the store at a `file:` or `postgresql://` URL (migrations are the caller's). */
  static open(url: string, options?: AuditStoreOptions): AuditStore {
    return new AuditStore(openAuditDb(url), url, options);
  }

  /** Resolves once the batch is committed, with its place in the chain. */
  append(batch: AuditBatchInput): Promise<ChainLink> {
    return new Promise<ChainLink>((resolve, reject) => {
      this.queue.push({ batch, body: batchBody(batch), resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** The chain's tail as stored in the head row; seq 0 and the genesis hash when empty. */
  async head(): Promise<ChainLink> {
    const row = await this.db.auditHead.findUnique({ where: { id: 1 } });
    return row ? { seq: row.seq, hash: row.hash } : { seq: 0n, hash: genesisHash };
  }

  /**
   * Runs `fn` in a transaction holding the chain lock, with the current head (null when the
   * chain has never been written). Appends and pruning both go through here.
   */
  async locked<T>(fn: (tx: AuditTx, head: ChainLink | null) => Promise<T>): Promise<T> {
    return this.db.$transaction(
      async (tx) => {
        if (this.provider === 'postgresql') {
          await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${chainLockKey})`);
        }
        const rows = await tx.$queryRawUnsafe<{ seq: bigint | number | string; hash: string }[]>(
          'UPDATE "AuditHead" SET "seq" = "seq" WHERE "id" = 1 RETURNING "seq", "hash"',
        );
        const row = rows[0];
        return fn(tx, row ? { seq: BigInt(row.seq), hash: row.hash } : null);
      },
      { maxWait: this.timeout, timeout: this.timeout },
    );
  }

  /** Waits for queued appends, then closes the connection. */
  async close(): Promise<void> {
    await this.flushing;
    await this.db.$disconnect();
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length) {
        const group = this.queue.splice(0, this.maxGroup);
        try {
          const links = await this.write(group);
          group.forEach((p, i) => p.resolve(links[i]!));
        } catch (e) {
          for (const p of group) p.reject(e);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private write(group: Pending[]): Promise<ChainLink[]> {
    return this.locked(async (tx, stored) => {
      let { seq, hash } = stored ?? (await this.genesis(tx));
      const links: ChainLink[] = [];
      const batches: unknown[][] = [];
      const records: unknown[][] = [];
      for (const { batch: b, body } of group) {
        const prevHash = hash;
        seq += 1n;
        hash = linkHash(prevHash, seq, body);
        links.push({ seq, hash });
        batches.push([
          seq,
          prevHash,
          hash,
          b.at,
          b.service,
          b.requestId,
          b.principalKind,
          b.principalId,
          b.clientId,
          b.psuId,
          b.consentId,
          b.operationName,
          b.operationType,
          b.records.length,
        ]);
        b.records.forEach((r, idx) =>
          records.push([
            seq,
            idx,
            r.at,
            r.fieldPath,
            r.responsePath,
            r.args,
            r.outcome,
            r.errorCode,
          ]),
        );
      }
      // Raw multi-row inserts: Prisma's createMany costs ~10x more per row (docs/DECISIONS.md).
      await this.insert(tx, 'AuditBatch', batchColumns, batches);
      await this.insert(tx, 'AuditRecord', recordColumns, records);
      const now = new Date();
      if (stored) {
        await tx.$executeRawUnsafe(
          `UPDATE "AuditHead" SET "seq" = ${this.param(1)}, "hash" = ${this.param(2)}, "updatedAt" = ${this.param(3)} WHERE "id" = 1`,
          seq,
          hash,
          now,
        );
      } else {
        await this.insert(
          tx,
          'AuditHead',
          ['id', 'seq', 'hash', 'updatedAt'],
          [[1, seq, hash, now]],
        );
      }
      return links;
    });
  }

  private param(n: number): string {
    return this.provider === 'postgresql' ? `$${n}` : '?';
  }

  /** Multi-row INSERT, chunked below both databases' bind-parameter limits. */
  private async insert(tx: AuditTx, table: string, columns: string[], rows: unknown[][]) {
    const perStatement = Math.floor(30_000 / columns.length);
    for (let from = 0; from < rows.length; from += perStatement) {
      const chunk = rows.slice(from, from + perStatement);
      let n = 0;
      const values = chunk.map(() => `(${columns.map(() => this.param(++n)).join(',')})`).join(',');
      await tx.$executeRawUnsafe(
        `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(',')}) VALUES ${values}`,
        ...chunk.flat(),
      );
    }
  }

  /** The head row exists from the first append on; a missing one over stored batches is tampering. */
  private async genesis(tx: AuditTx): Promise<ChainLink> {
    const batch = await tx.auditBatch.findFirst({ select: { seq: true } });
    const anchor = await tx.auditAnchor.findUnique({ where: { id: 1 } });
    if (batch || anchor) {
      throw new AuditChainError('The audit chain head is missing; run `audit verify`');
    }
    return { seq: 0n, hash: genesisHash };
  }
}
