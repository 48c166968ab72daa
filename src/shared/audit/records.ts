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

/** How many calls of one field had one outcome in a batch (the AuditFieldUse rows). */
export type FieldUse = [fieldPath: string, outcome: string, count: number];

export interface PackedRecords {
  text: string;
  count: number;
  uses: FieldUse[];
}

export interface Failure {
  outcome: AuditOutcome;
  errorCode: string | null;
}

/** `Type.field` names by a process-wide number, registered when resolvers are wrapped. */
const fieldNames: string[] = [];
const fieldNumbers = new Map<string, number>();
export function fieldId(fieldPath: string): number {
  let id = fieldNumbers.get(fieldPath);
  if (id === undefined) {
    id = fieldNames.length;
    fieldNames.push(fieldPath);
    fieldNumbers.set(fieldPath, id);
  }
  return id;
}

/** A response path node of our own: an entity reference's (`_entities.<i>`), a mutation's. */
export const pathNode = (prev: Path | undefined, key: string | number): Path => ({
  prev,
  key,
  typename: undefined,
});

/** Where a call's own path node says which call of its log it is, for its children. */
const callIndex = Symbol('ledgergraph.audit.call');
type MarkedPath = Path & { [callIndex]?: number };

/**
 * One request's resolver calls, as captured: parallel arrays of small numbers and strings,
 * no object per call, and no hold on graphql-js's path nodes. The calls live as long as the
 * request; anything kept per call outlived the young generation, and collecting it was the
 * recorder's largest cost. Each call's response path is kept as its parent call's index
 * plus the rest of the path (`balances`, or `57.node` below a list), found by marking each
 * call's own path node with its index: a child's walk up its path meets its parent's mark.
 */
export class CallLog {
  private readonly fields: number[] = [];
  private readonly parents: number[] = [];
  private readonly keys: (string | number)[] = [];
  /** Milliseconds after `startedAt`. */
  private readonly offsets: number[] = [];
  private readonly args: (string | null)[] = [];
  /** Outcomes known when called (a mutation's `started`); the rest come from `pack`. */
  private readonly preset = new Map<number, Failure>();

  constructor(readonly startedAt: number) {}

  get size(): number {
    return this.fields.length;
  }

  /** A call at `path` (graphql-js's node for a field, or a `pathNode`); calls come in order. */
  add(field: number, path: Path, args: string | null, at = Date.now(), outcome?: Failure): void {
    const i = this.fields.length;
    let parent = -1;
    let key: string | number = path.key;
    for (let p = path.prev as MarkedPath | undefined; p; p = p.prev) {
      const j = p[callIndex];
      if (j !== undefined) {
        parent = j;
        break;
      }
      key = `${p.key}.${key}`;
    }
    (path as MarkedPath)[callIndex] = i;
    if (outcome && outcome.outcome !== 'ok') this.preset.set(i, outcome);
    this.fields.push(field);
    this.parents.push(parent);
    this.keys.push(key);
    this.offsets.push(at - this.startedAt);
    this.args.push(args);
  }

  /**
   * Packs the calls. `failures`, by response path, marks the calls whose value became an
   * error: the GraphQL errors of the response, so no call needs watching for its result.
   */
  pack(failures?: ReadonlyMap<string, Failure>): PackedRecords {
    const local: number[] = [];
    const names: string[] = [];
    /** Calls per field (local number) that went well, and the other outcomes' uses. */
    const ok: number[] = [];
    const failed = new Map<string, FieldUse>();
    const paths: string[] | undefined = failures?.size ? [] : undefined;
    let text = '';
    for (let i = 0; i < this.fields.length; i++) {
      const parent = this.parents[i]!;
      const key = this.keys[i]!;
      let failure = this.preset.get(i);
      if (paths) {
        const path = parent < 0 ? String(key) : `${paths[parent]!}.${key}`;
        paths.push(path);
        failure = failures!.get(path) ?? failure;
      }
      const global = this.fields[i]!;
      let field = local[global];
      if (field === undefined) {
        field = local[global] = names.length;
        names.push(fieldNames[global]!);
      }
      const args = this.args[i]!;
      // Keys are GraphQL names and list indexes joined by dots: nothing JSON would escape.
      text += `${i ? ',' : ''}[${parent},"${key}",${field},${this.offsets[i]!}`;
      if (args !== null || failure) text += `,${args === null ? 'null' : JSON.stringify(args)}`;
      if (failure)
        text += `,"${failure.outcome}",${failure.errorCode === null ? 'null' : JSON.stringify(failure.errorCode)}]`;
      else text += ']';
      if (!failure) ok[field] = (ok[field] ?? 0) + 1;
      else {
        const use = failed.get(`${field} ${failure.outcome}`);
        if (use) use[2] += 1;
        else failed.set(`${field} ${failure.outcome}`, [names[field]!, failure.outcome, 1]);
      }
    }
    const uses: FieldUse[] = [];
    names.forEach((name, field) => ok[field] && uses.push([name, 'ok', ok[field]]));
    return {
      text: `{"fields":${JSON.stringify(names)},"records":[${text}]}`,
      count: this.fields.length,
      uses: [...uses, ...failed.values()],
    };
  }
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
