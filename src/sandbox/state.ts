import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import Database from 'better-sqlite3';

/**
 * One kind of thing a bank remembers (consents, tokens, payments...). Handlers change a
 * value and then `set` it again: a durable store hands out copies, so a change that is
 * not set again is not kept.
 */
export interface StateStore<T> {
  get(id: string): T | undefined;
  set(id: string, value: T): void;
  delete(id: string): void;
}

/** Everything mutable a bank holds, in memory or in a directory. */
export interface BankState {
  store<T>(kind: string): StateStore<T>;
  /** Runs one request's changes as a whole: all of them are kept, or none. */
  atomically<T>(work: () => T): T;
  close(): void;
}

/** Lost when the process ends: the default, what tests start from. */
export function memoryState(): BankState {
  return {
    store: <T>() => new Map<string, T>(),
    atomically: (work) => work(),
    close: () => {},
  };
}

/**
 * A SQLite file in `dir`: WAL with synchronous=FULL, so an answered request survives a
 * crash or power cut. Values are stored with the v8 serializer, which the Node docs call
 * safe to store: Sets, Infinity (refresh tokens never expire) and client-sent bodies
 * come back exactly as they went in, whatever keys they use.
 */
export function sqliteState(dir: string): BankState {
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, 'state.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS state (
    kind TEXT NOT NULL, id TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (kind, id)
  ) WITHOUT ROWID`);
  const select = db.prepare<[string, string], Buffer>(
    'SELECT value FROM state WHERE kind = ? AND id = ?',
  );
  select.pluck();
  const upsert = db.prepare<[string, string, Buffer]>(
    `INSERT INTO state (kind, id, value) VALUES (?, ?, ?)
     ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value`,
  );
  const remove = db.prepare<[string, string]>('DELETE FROM state WHERE kind = ? AND id = ?');
  return {
    store: <T>(kind: string): StateStore<T> => ({
      get: (id) => {
        const value = select.get(kind, id);
        return value === undefined ? undefined : (deserialize(value) as T);
      },
      set: (id, value) => void upsert.run(kind, id, serialize(value)),
      delete: (id) => void remove.run(kind, id),
    }),
    atomically: (work) => db.transaction(work)(),
    close: () => {
      if (db.open) db.close();
    },
  };
}
