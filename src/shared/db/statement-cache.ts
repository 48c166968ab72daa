import Database from 'better-sqlite3';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';

/**
 * Prisma's SQLite adapter compiles every statement anew (`prepare(sql).bind(args)` per query),
 * and Prisma's statements name every column: preparing them was 0.23–0.27 ms of a balance's
 * 1.7–2.6 ms at the accounts subgraph, and 1 ms of a dashboard (docs/BENCHMARKS.md). SQLite
 * statements are made to be reused, so the adapter's connection keeps the most recent ones by
 * their SQL text and binds each query's arguments when it runs.
 *
 * This reaches into the adapter's connection (`client`, not in its types) and serves the calls
 * it makes on a statement — `bind(args)` then `reader`, `columns()`, `raw().all()`, `run()`;
 * `run()` unbound for BEGIN. The adapter is pinned (~7.10); if a release stops holding a
 * better-sqlite3 connection there, connecting fails here instead of running uncached.
 * test/shared/statement-cache.test.ts holds it to that contract; every SQLite test runs on it.
 */
export class PrismaBetterSqlite3WithStatementCache extends PrismaBetterSqlite3 {
  override async connect() {
    return withStatementCache(await super.connect());
  }
}

/** Statements kept per connection: a few dozen shapes serve every request; IN-list lengths vary. */
export const statementCacheSize = 256;

export interface StatementCacheStats {
  prepared: number;
  reused: number;
  size: number;
}

const stats = new WeakMap<object, StatementCacheStats>();

/** How an adapter's connection has used its cache (tests, diagnosis). */
export function statementCacheStats(adapter: object): StatementCacheStats | undefined {
  return stats.get(adapter);
}

export function withStatementCache<A extends object>(adapter: A, capacity = statementCacheSize): A {
  if (stats.has(adapter)) return adapter;
  const client = (adapter as { client?: unknown }).client;
  if (!(client instanceof Database)) {
    throw new Error('Prisma SQLite adapter without a better-sqlite3 connection: cannot cache');
  }
  const prepare = client.prepare.bind(client);
  const cache = new Map<string, Database.Statement>();
  const counts: StatementCacheStats = { prepared: 0, reused: 0, size: 0 };
  stats.set(adapter, counts);
  const cached = (sql: string): Database.Statement => {
    let statement = cache.get(sql);
    if (statement) {
      counts.reused++;
      // Map order is insertion order: moved to the end, it is the most recently used.
      cache.delete(sql);
    } else {
      counts.prepared++;
      statement = prepare(sql);
      const oldest = cache.size >= capacity ? cache.keys().next() : undefined;
      if (oldest && !oldest.done) cache.delete(oldest.value);
    }
    cache.set(sql, statement);
    counts.size = cache.size;
    return statement;
  };
  (client as { prepare: unknown }).prepare = (sql: string) => reusable(cached(sql));
  return adapter;
}

/** A cached statement as the adapter uses a fresh one: arguments bound per call, not once. */
function reusable(statement: Database.Statement) {
  return {
    reader: statement.reader,
    run: () => statement.run(),
    bind: (args: unknown[]) => ({
      reader: statement.reader,
      columns: () => statement.columns(),
      raw: () => ({ all: () => statement.raw(true).all(args) }),
      run: () => statement.run(args),
    }),
  };
}
