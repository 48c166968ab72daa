import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { AuditChainError, batchColumns, type ChainWriter, type QueuedBatch } from './writers.ts';
import type { ChainLink } from './types.ts';

/**
 * The SQLite writer's thread. Plain JavaScript, evaluated as a worker, so it loads under any
 * TypeScript runner. better-sqlite3 is synchronous and a synchronous=FULL commit waits for
 * fsync (~3 ms here): on the main thread that would stall every request in the process,
 * in a worker only the requests whose records are in that commit wait for it.
 * `BEGIN IMMEDIATE` takes the write lock first, so writers in other processes queue on
 * busy_timeout instead of failing with SQLITE_BUSY_SNAPSHOT. The hash is chain.ts's
 * linkHash over storedBody (format 3: the header and the records' sha256), repeated here;
 * every store test verifies chains this code wrote.
 */
const source = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 10000 });
db.defaultSafeIntegers(true);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
const head = db.prepare('SELECT "seq", "hash" FROM "AuditHead" WHERE "id" = 1');
const anyStored = db.prepare('SELECT 1 FROM "AuditBatch" UNION ALL SELECT 1 FROM "AuditAnchor" LIMIT 1');
const insertBatch = db.prepare('INSERT INTO "AuditBatch" ("seq","prevHash","hash","at","service","requestId","principalKind","principalId","clientId","psuId","consentId","operationName","operationType","recordCount","format","records","jurisdiction","recordsDigest") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,3,?,?,?)');
const insertUse = db.prepare('INSERT INTO "AuditFieldUse" ("batchSeq","fieldPath","outcome","count") VALUES (?,?,?,?)');
const upsertHead = db.prepare('INSERT INTO "AuditHead" ("id","seq","hash","updatedAt") VALUES (1,?,?,?) ON CONFLICT ("id") DO UPDATE SET "seq" = excluded."seq", "hash" = excluded."hash", "updatedAt" = excluded."updatedAt"');
const date = (iso) => iso.replace('Z', '+00:00');
const write = db.transaction((group) => {
  const stored = head.get();
  if (!stored && anyStored.get()) throw Object.assign(new Error('head'), { missingHead: true });
  let seq = stored ? stored.seq : 0n;
  let hash = stored ? stored.hash : '0'.repeat(64);
  const links = [];
  for (const { batch: b, header, records } of group) {
    const prevHash = hash;
    seq += 1n;
    const digest = createHash('sha256').update(records).digest('hex');
    hash = createHash('sha256').update(prevHash + '\\n' + seq.toString() + '\\n' + header + '\\n' + digest, 'utf8').digest('hex');
    links.push({ seq, hash });
    insertBatch.run(seq, prevHash, hash, date(b.at), b.service, b.requestId, b.principalKind, b.principalId,
      b.clientId, b.psuId, b.consentId, b.operationName, b.operationType, b.recordCount,
      Buffer.from(records.buffer, records.byteOffset, records.byteLength).toString('utf8'),
      b.jurisdiction, digest);
    for (const [fieldPath, outcome, count] of b.uses) insertUse.run(seq, fieldPath, outcome, count);
  }
  upsertHead.run(seq, hash, date(new Date().toISOString()));
  return links;
});
parentPort.on('message', (m) => {
  if (m.close) { db.close(); parentPort.close(); return; }
  try { parentPort.postMessage({ id: m.id, links: write.immediate(m.group) }); }
  catch (e) { parentPort.postMessage({ id: m.id, error: String((e && e.message) || e), missingHead: !!(e && e.missingHead) }); }
});
`;

type Reply = { id: number; links?: ChainLink[]; error?: string; missingHead?: boolean };

/** Appends through a worker thread holding its own better-sqlite3 connection. */
export class SqliteChainWriter implements ChainWriter {
  private worker: Worker | undefined;
  private next = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (l: ChainLink[]) => void; reject: (e: Error) => void }
  >();

  constructor(private readonly file: string) {}

  append(group: QueuedBatch[]): Promise<ChainLink[]> {
    const worker = this.start();
    const id = (this.next += 1);
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // Keeps the process alive while a commit is owed, not longer.
      worker.ref();
      worker.postMessage({
        id,
        group: group.map((g) => ({
          batch: batchColumns(g),
          header: g.header,
          // UTF-8 bytes, copied off-heap: no string of the records on the request thread.
          records: g.batch.records.bytes,
        })),
      });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise((r) => worker.once('exit', r));
    worker.ref();
    worker.postMessage({ close: true });
    await exited;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(source, {
      eval: true,
      workerData: { file: this.file, driver },
    });
    worker.on('message', (m: Reply) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (!this.waiting.size) worker.unref();
      if (!w) return;
      if (m.links) w.resolve(m.links);
      else
        w.reject(
          m.missingHead
            ? new AuditChainError('The audit chain head is missing; run `audit verify`')
            : new Error(`audit write failed: ${m.error}`),
        );
    });
    // A dead worker fails what it held; the next append starts a new one.
    const fail = (e: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('audit writer thread exited')));
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
