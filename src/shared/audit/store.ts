import { MigrationError, providerOf, readMigrations, type DatabaseProvider } from '../db/index.ts';
import { createReadOnlyAdapter } from '../db/read-only.ts';
import { batchHeader, genesisHash } from './chain.ts';
import { auditStoreDir, openAuditDb, type AuditDb, type AuditTx } from './db.ts';
import type { AuditBatchInput, AuditSink, ChainLink } from './types.ts';
import {
  AuditChainError,
  chainLockKey,
  openChainWriter,
  type ChainWriter,
  type QueuedBatch,
} from './writers.ts';

export { AuditChainError };

export interface AuditStoreOptions {
  /** Most batches one transaction writes when requests pile up (group commit). */
  maxGroup?: number;
  /** Where a connection error outside any append is reported. */
  log?: (message: string, error: unknown) => void;
}

interface Pending extends QueuedBatch {
  resolve: (link: ChainLink) => void;
  reject: (e: unknown) => void;
}

/**
 * The audit store: appends batches to one hash chain, and reads it (search, verify, prune)
 * through its Prisma client. Appends of one process go through a queue and are written in
 * groups, one transaction per group (group commit): a busy subgraph pays one commit for many
 * requests, and every caller still waits for the commit that holds its own batch. Appends of
 * several processes serialize on the chain lock (writers.ts), so there is always one chain.
 */
export class AuditStore implements AuditSink {
  readonly provider: DatabaseProvider;
  private readonly queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private readonly maxGroup: number;
  private writer: ChainWriter | undefined;
  private writable = true;

  constructor(
    readonly db: AuditDb,
    private readonly url: string,
    private readonly options: AuditStoreOptions = {},
  ) {
    this.provider = providerOf(url);
    this.maxGroup = options.maxGroup ?? 256;
  }

  /** Opens the store at a `file:` or `postgresql://` URL (migrations are the caller's). */
  static open(url: string, options?: AuditStoreOptions): AuditStore {
    return new AuditStore(openAuditDb(url), url, options);
  }

  /**
   * Opens the store for reading only (verify): migrates nothing, writes nothing, and refuses
   * a store that is missing or not fully migrated rather than reading a half-made schema.
   */
  static async openReadOnly(url: string, options?: AuditStoreOptions): Promise<AuditStore> {
    const store = new AuditStore(openAuditDb(url, createReadOnlyAdapter(url)), url, options);
    store.writable = false;
    try {
      await store.assertMigrated();
    } catch (e) {
      await store.close();
      throw e;
    }
    return store;
  }

  /** Throws unless the store answers and has every committed migration applied, unedited. */
  private async assertMigrated(): Promise<void> {
    try {
      await this.db.$queryRawUnsafe('SELECT 1');
    } catch (e) {
      // Prisma wraps the driver's words in several lines about the call that failed.
      const text = e instanceof Error ? e.message : String(e);
      const reason = /Message: `([^`]*)`/.exec(text)?.[1] ?? text.trim().split('\n').at(-1);
      throw new Error(`The audit store cannot be read: ${reason}`, { cause: e });
    }
    let rows: { name: string; checksum: string }[];
    try {
      rows = await this.db.$queryRawUnsafe(
        'SELECT "name", "checksum" FROM "_ledgergraph_migrations"',
      );
    } catch (e) {
      throw new MigrationError('The audit store is not migrated: it has no migration ledger', {
        cause: e,
      });
    }
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    const committed = readMigrations(auditStoreDir, this.url);
    const edited = committed.find((m) => applied.has(m.name) && applied.get(m.name) !== m.checksum);
    if (edited) throw new MigrationError(`Applied migration ${edited.name} was edited`);
    const missing = committed.filter((m) => !applied.has(m.name));
    if (missing.length)
      throw new MigrationError(
        `The audit store is not fully migrated: ${missing.map((m) => m.name).join(', ')} pending`,
      );
  }

  /** Resolves once the batch is committed, with its place in the chain. */
  append(batch: AuditBatchInput): Promise<ChainLink> {
    if (!this.writable) return Promise.reject(new Error('The audit store was opened read-only'));
    return new Promise<ChainLink>((resolve, reject) => {
      this.queue.push({
        batch,
        header: batchHeader({ ...batch, recordCount: batch.records.count }),
        resolve,
        reject,
      });
      this.flushing ??= this.flush();
    });
  }

  /** The chain's tail as stored in the head row; seq 0 and the genesis hash when empty. */
  async head(): Promise<ChainLink> {
    const row = await this.db.auditHead.findUnique({ where: { id: 1 } });
    return row ? { seq: row.seq, hash: row.hash } : { seq: 0n, hash: genesisHash };
  }

  /**
   * Runs `fn` in a Prisma transaction holding the same chain lock appends take (pruning).
   * On SQLite the first statement writes, which takes the write lock at once: Prisma's adapter
   * opens a deferred `BEGIN`, and a read first would let another writer commit in between.
   */
  async locked<T>(fn: (tx: AuditTx) => Promise<T>): Promise<T> {
    return this.db.$transaction(
      async (tx) => {
        if (this.provider === 'postgresql') {
          await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${chainLockKey})`);
        } else {
          await tx.$executeRawUnsafe('UPDATE "AuditHead" SET "seq" = "seq" WHERE "id" = 1');
        }
        return fn(tx);
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
  }

  /** Waits for queued appends, then closes the connections. */
  async close(): Promise<void> {
    await this.flushing;
    await this.writer?.close();
    await this.db.$disconnect();
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length) {
        const group = this.queue.splice(0, this.maxGroup);
        try {
          this.writer ??= openChainWriter(this.url, (e) =>
            (this.options.log ?? console.error)('audit: store connection lost', e),
          );
          const links = await this.writer.append(group);
          group.forEach((p, i) => p.resolve(links[i]!));
        } catch (e) {
          for (const p of group) p.reject(e);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }
}
