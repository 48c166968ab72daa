import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PrismaBetterSqlite3WithStatementCache,
  statementCacheStats,
  withStatementCache,
} from '../../src/shared/db/statement-cache.ts';

const text = { scalarType: 'string', arity: 'scalar' } as const;
const int = { scalarType: 'int', arity: 'scalar' } as const;

describe("SQLite statements reused across queries (Prisma's adapter, cached)", () => {
  let adapter: SqlDriverAdapter;
  const connect = async (capacity?: number) => {
    adapter =
      capacity === undefined
        ? await new PrismaBetterSqlite3WithStatementCache({ url: ':memory:' }).connect()
        : // A small cache, to see eviction without 256 shapes of SQL.
          withStatementCache(
            await new PrismaBetterSqlite3({ url: ':memory:' }).connect(),
            capacity,
          );
    await adapter.executeScript('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
    return adapter;
  };
  const names = async (sql: string, ...args: unknown[]) =>
    (await adapter.queryRaw({ sql, args, argTypes: args.map(() => text) })).rows.map((r) => r[0]);
  afterEach(() => adapter?.dispose());

  it('prepares a statement once and binds each query its own arguments', async () => {
    await connect();
    const insert = 'INSERT INTO t (id, name) VALUES (?, ?)';
    for (const [id, name] of [
      [1, 'ada'],
      [2, 'bob'],
      [3, 'cy'],
    ] as const) {
      await adapter.executeRaw({ sql: insert, args: [id, name], argTypes: [int, text] });
    }
    const byName = 'SELECT name FROM t WHERE name = ?';
    expect(await names(byName, 'ada')).toEqual(['ada']);
    expect(await names(byName, 'bob')).toEqual(['bob']);
    expect(await names(byName, 'nobody')).toEqual([]);
    // The insert three times and the select three times, each prepared once.
    expect(statementCacheStats(adapter)).toMatchObject({ prepared: 2, reused: 4, size: 2 });
  });

  it('answers column names and types from a reused statement as from a fresh one', async () => {
    await connect();
    await adapter.executeRaw({ sql: "INSERT INTO t VALUES (7, 'x')", args: [], argTypes: [] });
    const query = { sql: 'SELECT id, name FROM t', args: [], argTypes: [] };
    const first = await adapter.queryRaw(query);
    const again = await adapter.queryRaw(query);
    expect(again).toEqual(first);
    expect(first.columnNames).toEqual(['id', 'name']);
    expect(first.rows).toEqual([[7, 'x']]);
  });

  it('runs transactions on cached BEGIN, COMMIT and ROLLBACK', async () => {
    await connect();
    for (const [id, end] of [
      [1, 'COMMIT'],
      [2, 'ROLLBACK'],
      [3, 'COMMIT'],
      [4, 'ROLLBACK'],
    ] as const) {
      const tx = await adapter.startTransaction();
      await tx.executeRaw({
        sql: 'INSERT INTO t VALUES (?, ?)',
        args: [id, 'n'],
        argTypes: [int, text],
      });
      await tx.executeRaw({ sql: end, args: [], argTypes: [] });
      await (end === 'COMMIT' ? tx.commit() : tx.rollback());
    }
    expect(await names('SELECT id FROM t ORDER BY id')).toEqual([1, 3]);
    expect(statementCacheStats(adapter)!.reused).toBeGreaterThan(0);
  });

  it('keeps only the most recently used statements, and re-prepares an evicted one', async () => {
    await connect(2);
    await adapter.executeRaw({ sql: "INSERT INTO t VALUES (1, 'a')", args: [], argTypes: [] });
    const a = 'SELECT name FROM t WHERE id = 1';
    const b = 'SELECT name FROM t WHERE id >= 1';
    const c = 'SELECT name FROM t WHERE id <= 1';
    for (const sql of [a, b, a, c, a, b]) expect(await names(sql)).toEqual(['a']);
    // insert, a, b (insert out), a again, c (b out), a again, b again (c out).
    expect(statementCacheStats(adapter)).toMatchObject({ prepared: 5, reused: 2, size: 2 });
  });

  it("caches once when asked twice (a second cache would cache the first one's wrappers)", async () => {
    await connect();
    expect(withStatementCache(adapter)).toBe(adapter);
    expect(await names('SELECT name FROM t')).toEqual([]);
    expect(await names('SELECT name FROM t')).toEqual([]);
  });

  it('reports a failing statement as the adapter does, and goes on', async () => {
    await connect();
    await expect(names('SELECT nope FROM t')).rejects.toThrow();
    expect(await names('SELECT name FROM t')).toEqual([]);
  });
});
