import { createHash } from 'node:crypto';
import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { batchBody, genesisHash, linkHash, recordsDigestOf, storedBody } from './chain.ts';
import { MalformedRecordsError, unpackRecords } from './records.ts';
import type { AuditOutcome, AuditRequestInfo, ChainLink } from './types.ts';

/** The request's details and chain link of a pruned batch, as every archive line has them. */
interface ArchivedLink extends Omit<AuditRequestInfo, 'at'> {
  seq: string;
  prevHash: string;
  hash: string;
  at: string;
  recordCount: number;
}

/** A pruned batch as prune.ts writes it: the stored row, its records packed (records.ts). */
interface ArchivedBatch extends ArchivedLink {
  format: number;
  records: string;
  recordsDigest?: string | null;
  erasedAt?: string | null;
}

/** A batch pruned before records were packed (migration 0003): a record object each. */
interface ArchivedRowBatch extends ArchivedLink {
  records: {
    idx: number;
    at: string;
    fieldPath: string;
    responsePath: string;
    args: string | null;
    outcome: AuditOutcome;
    errorCode: string | null;
  }[];
}

export type ArchiveResult =
  | { ok: true; files: number; batches: number }
  | { ok: false; file: string; seq: bigint | null; reason: string };

const archiveName = /^audit-(\d+)-(\d+)\.jsonl$/;

function parseLine(line: string): ArchivedBatch | ArchivedRowBatch | null {
  try {
    const b = JSON.parse(line) as unknown;
    return b && typeof b === 'object' && 'seq' in b && /^\d+$/.test(String(b.seq))
      ? (b as ArchivedBatch | ArchivedRowBatch)
      : null;
  } catch {
    return null;
  }
}

/**
 * Why an archived batch's records or hash do not hold, or null when they do. Lines of both
 * shapes may sit in one directory: archives written before records were packed keep a record
 * object each, and are verified with the hash body of that time.
 */
function brokenContent(b: ArchivedBatch | ArchivedRowBatch, seq: bigint): string | null {
  const at = new Date(b.at);
  let body: string;
  if (typeof b.records === 'string') {
    const packed = b as ArchivedBatch;
    if (
      packed.format === 3 &&
      !packed.erasedAt &&
      recordsDigestOf(packed.records) !== packed.recordsDigest
    )
      return 'records do not match their digest';
    // An erased batch was archived without its records; its hash covers their digest.
    if (!packed.erasedAt) {
      let count;
      try {
        count = unpackRecords(packed.format, packed.records, at).length;
      } catch (e) {
        if (!(e instanceof MalformedRecordsError)) throw e;
        return `records cannot be read (${e.message})`;
      }
      if (count !== b.recordCount) return 'a record is missing or out of order';
    }
    body = storedBody({ ...packed, at });
  } else if (Array.isArray(b.records)) {
    const rows = b.records;
    if (rows.length !== b.recordCount || rows.some((r, i) => r.idx !== i))
      return 'a record is missing or out of order';
    body = batchBody({ ...b, at, records: rows.map((r) => ({ ...r, at: new Date(r.at) })) });
  } else {
    return 'its records are missing';
  }
  return linkHash(b.prevHash, seq, body) === b.hash ? null : 'content does not match its hash';
}

/**
 * Verifies the retention archives against each other and against the anchor: every archived
 * batch continues the chain from genesis (or from the previous file), hashes recompute, and
 * the last archived batch is the anchor, in the file whose sha256 the anchor recorded. So
 * the whole history, pruned part included, is provably complete.
 */
export async function verifyArchives(
  dir: string,
  anchor: ChainLink & { archiveSha256: string },
): Promise<ArchiveResult> {
  const files = readdirSync(dir)
    .map((f) => ({ f, m: archiveName.exec(f) }))
    .filter((x) => x.m)
    .sort((a, b) => Number(BigInt(a.m![1]!) - BigInt(b.m![1]!)))
    .map((x) => x.f);
  let prev: ChainLink = { seq: 0n, hash: genesisHash };
  let batches = 0;
  let lastSha = '';
  for (const file of files) {
    const sha = createHash('sha256');
    const lines = createInterface({
      input: createReadStream(join(dir, file)),
      crlfDelay: Infinity,
    });
    for await (const line of lines) {
      sha.update(`${line}\n`);
      const b = parseLine(line);
      const seq = b ? BigInt(b.seq) : prev.seq + 1n;
      const fail = (reason: string): ArchiveResult => ({ ok: false, file, seq, reason });
      if (!b) return fail('a line is not an archived batch');
      if (seq !== prev.seq + 1n) return fail(`batch ${prev.seq + 1n} is missing`);
      if (b.prevHash !== prev.hash) return fail('prevHash does not match the previous batch');
      const broken = brokenContent(b, seq);
      if (broken) return fail(broken);
      prev = { seq, hash: b.hash };
      batches += 1;
    }
    lastSha = sha.digest('hex');
  }
  const last = files.at(-1) ?? '(none)';
  if (prev.seq !== anchor.seq || prev.hash !== anchor.hash)
    return {
      ok: false,
      file: last,
      seq: prev.seq,
      reason: `archives end at batch ${prev.seq}, the anchor is batch ${anchor.seq}`,
    };
  if (lastSha !== anchor.archiveSha256)
    return {
      ok: false,
      file: last,
      seq: null,
      reason: 'the last archive is not the file the anchor recorded',
    };
  return { ok: true, files: files.length, batches };
}
