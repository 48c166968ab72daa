import { createHash } from 'node:crypto';
import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { batchBody, genesisHash, linkHash } from './chain.ts';
import type { AuditOutcome, ChainLink, PrincipalKindOrAnonymous } from './types.ts';

/** A pruned batch as prune.ts writes it: one canonical JSON line per batch. */
interface ArchivedBatch {
  seq: string;
  prevHash: string;
  hash: string;
  at: string;
  service: string;
  requestId: string;
  principalKind: PrincipalKindOrAnonymous;
  principalId: string | null;
  clientId: string | null;
  psuId: string | null;
  consentId: string | null;
  operationName: string | null;
  operationType: string | null;
  recordCount: number;
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
      const b = JSON.parse(line) as ArchivedBatch;
      const seq = BigInt(b.seq);
      const fail = (reason: string): ArchiveResult => ({ ok: false, file, seq, reason });
      if (seq !== prev.seq + 1n) return fail(`batch ${prev.seq + 1n} is missing`);
      if (b.prevHash !== prev.hash) return fail('prevHash does not match the previous batch');
      if (b.records.length !== b.recordCount || b.records.some((r, i) => r.idx !== i))
        return fail('a record is missing or out of order');
      const body = batchBody({
        ...b,
        at: new Date(b.at),
        records: b.records.map((r) => ({ ...r, at: new Date(r.at) })),
      });
      if (linkHash(b.prevHash, seq, body) !== b.hash)
        return fail('content does not match its hash');
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
