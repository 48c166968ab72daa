import type { GraphQLResolveInfo } from 'graphql';
import type { AuditOutcome, AuditRecordInput } from './types.ts';

/**
 * How a batch's records are stored: all of them in one text column, not a row each. A
 * dashboard request makes thousands of resolver calls; a row per call cost more than the
 * request itself (docs/BENCHMARKS.md "Audit overhead"). Every call is still a record of its
 * own, with its path, arguments and outcome; `unpackRecords` gives them back whole.
 *
 * Format 2, what the recorder writes:
 *   {"fields":["Query.me",…],"records":[[parent,"key",field,ms(,args(,outcome,errorCode))],…]}
 * - `parent`: the index of the record whose response path this one continues (-1 at the
 *   root), `key` the rest of the path (`balances`, or `57.node` below a list); so
 *   `responsePath` = the parent's responsePath + "." + key.
 * - `field`: an index into `fields` (`Type.field`); `ms`: the call's time after the batch's.
 * - args (redacted JSON text, or null), outcome and errorCode are left out when null/`ok`.
 * Format 1: migration 0003's conversion of the earlier row-per-record layout, a list of
 * [at, fieldPath, responsePath, args, outcome, errorCode].
 */
export const currentFormat = 2;

type Path = GraphQLResolveInfo['path'];

/** One resolver call as the recorder captured it. */
export interface CapturedCall {
  fieldPath: string;
  /** The call's own response path node; none for an entity reference. */
  own: Path | undefined;
  /** The path node above the call's key (its parent field's, or a list index's). */
  up: Path | undefined;
  key: string | number;
  args: string | null;
  /** Epoch milliseconds. */
  at: number;
  outcome: AuditOutcome;
  errorCode: string | null;
}

/** How many calls of one field had one outcome in a batch (the AuditFieldUse rows). */
export type FieldUse = [fieldPath: string, outcome: string, count: number];

export interface PackedRecords {
  text: string;
  count: number;
  uses: FieldUse[];
}

export interface Failure {
  outcome: AuditOutcome;
  errorCode: string;
}

/**
 * Packs captured calls, in call order (a parent field is always called before its children).
 * `failures`, by response path, marks the calls whose value became an error: the GraphQL
 * errors of the response, so no call needs watching for its result.
 */
export function packRecords(
  calls: readonly CapturedCall[],
  startedAt: number,
  failures?: ReadonlyMap<string, Failure>,
): PackedRecords {
  const index = new Map<Path, number>();
  const fieldIds = new Map<string, number>();
  const fields: string[] = [];
  const uses = new Map<string, FieldUse>();
  const paths: string[] | undefined = failures?.size ? [] : undefined;
  const out: string[] = new Array<string>(calls.length);
  for (let i = 0; i < calls.length; i++) {
    const c = calls[i]!;
    if (c.own) index.set(c.own, i);
    let parent = -1;
    let key = String(c.key);
    for (let p = c.up; p; p = p.prev) {
      const j = index.get(p);
      if (j !== undefined) {
        parent = j;
        break;
      }
      key = `${p.key}.${key}`;
    }
    let outcome = c.outcome;
    let errorCode = c.errorCode;
    if (paths) {
      const path = parent < 0 ? key : `${paths[parent]!}.${key}`;
      paths.push(path);
      const failure = failures!.get(path);
      if (failure) ({ outcome, errorCode } = failure);
    }
    let field = fieldIds.get(c.fieldPath);
    if (field === undefined) {
      field = fields.length;
      fieldIds.set(c.fieldPath, field);
      fields.push(c.fieldPath);
    }
    // Keys are GraphQL names and list indexes joined by dots: nothing JSON would escape.
    let record = `[${parent},"${key}",${field},${c.at - startedAt}`;
    if (c.args !== null || outcome !== 'ok')
      record += `,${c.args === null ? 'null' : JSON.stringify(c.args)}`;
    if (outcome !== 'ok')
      record += `,"${outcome}",${errorCode === null ? 'null' : JSON.stringify(errorCode)}`;
    out[i] = `${record}]`;
    const useKey = outcome === 'ok' ? c.fieldPath : `${c.fieldPath} ${outcome}`;
    const use = uses.get(useKey);
    if (use) use[2] += 1;
    else uses.set(useKey, [c.fieldPath, outcome, 1]);
  }
  return {
    text: `{"fields":${JSON.stringify(fields)},"records":[${out.join(',')}]}`,
    count: calls.length,
    uses: [...uses.values()],
  };
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
  if (format !== 2) throw new MalformedRecordsError(`unknown records format ${format}`);
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
