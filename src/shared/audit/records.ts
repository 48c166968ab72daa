import type { AuditOutcome, AuditRecordInput } from './types.ts';

/**
 * How a batch's records are stored: all of them in one text column, not a row each. A
 * dashboard request makes thousands of resolver calls; a row per call cost more than the
 * request itself (docs/BENCHMARKS.md "Audit overhead"). Every call is still a record of its
 * own, with its path, arguments and outcome; `unpackRecords` gives them back whole.
 *
 * Format 2 (and 3, which packs alike), what the recorder writes:
 *   {"records":[[parent,"key",field,ms(,args(,outcome,errorCode))],…],"fields":["Query.me",…]}
 * - `parent`: the index of the record whose response path this one continues (-1 at the
 *   root), `key` the rest of the path (`balances`, or `57.node` below a list); so
 *   `responsePath` = the parent's responsePath + "." + key.
 * - `field`: an index into `fields` (`Type.field`); `ms`: the call's time after the batch's.
 * - args (redacted JSON text, or null), outcome and errorCode are left out when null/`ok`.
 * Format 3 (written now) packs them the same way; its hash covers their digest (chain.ts).
 * Format 1: migration 0003's conversion of the earlier row-per-record layout, a list of
 * [at, fieldPath, responsePath, args, outcome, errorCode].
 */

/** How many calls of one field had one outcome in a batch (the AuditFieldUse rows). */
export type FieldUse = [fieldPath: string, outcome: string, count: number];

/** A batch's packed records: the UTF-8 bytes the hash covers and the column holds. */
export class PackedRecords {
  constructor(
    readonly bytes: Uint8Array,
    readonly count: number,
    readonly uses: FieldUse[],
  ) {}

  get text(): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).toString(
      'utf8',
    );
  }
}

export interface Failure {
  outcome: AuditOutcome;
  errorCode: string | null;
}

export class MalformedRecordsError extends Error {
  override name = 'MalformedRecordsError';
}

type Packed2 = [number, string, number, number, (string | null)?, AuditOutcome?, (string | null)?];
type Packed1 = [string, string, string, string | null, AuditOutcome, string | null];

/** A stored batch's records, whole, in order. Throws MalformedRecordsError on a bad column. */
export function unpackRecords(format: number, text: string, batchAt: Date): AuditRecordInput[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MalformedRecordsError('the records column is not JSON');
  }
  if (format === 1) {
    if (!Array.isArray(parsed)) throw new MalformedRecordsError('format 1 records are not a list');
    return (parsed as Packed1[]).map(([at, fieldPath, responsePath, args, outcome, errorCode]) => ({
      at: new Date(at),
      fieldPath,
      responsePath,
      args,
      outcome,
      errorCode,
    }));
  }
  // Format 3 packs records as 2 does; only what the hash covers differs (chain.ts).
  if (format !== 2 && format !== 3)
    throw new MalformedRecordsError(`unknown records format ${format}`);
  const { fields, records } = (parsed ?? {}) as { fields?: string[]; records?: Packed2[] };
  if (!Array.isArray(fields) || !Array.isArray(records))
    throw new MalformedRecordsError('format 2 records lack fields or records');
  const start = batchAt.getTime();
  const paths: string[] = [];
  return records.map(
    ([parent, key, field, ms, args = null, outcome = 'ok', errorCode = null], i) => {
      const fieldPath = fields[field];
      if (fieldPath === undefined || !(parent < i))
        throw new MalformedRecordsError(`record ${i} refers outside its batch`);
      const responsePath = parent < 0 ? key : `${paths[parent]!}.${key}`;
      paths.push(responsePath);
      return { at: new Date(start + ms), fieldPath, responsePath, args, outcome, errorCode };
    },
  );
}

/** The AuditFieldUse rows stored records imply, sorted (for comparison with the stored ones). */
export function fieldUsesOf(records: readonly AuditRecordInput[]): FieldUse[] {
  const uses = new Map<string, FieldUse>();
  for (const r of records) {
    const key = `${r.fieldPath} ${r.outcome}`;
    const use = uses.get(key);
    if (use) use[2] += 1;
    else uses.set(key, [r.fieldPath, r.outcome, 1]);
  }
  return [...uses.values()].sort(compareUses);
}

export const compareUses = (a: FieldUse, b: FieldUse): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
