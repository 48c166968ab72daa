import type { GraphQLResolveInfo } from 'graphql';
import { PackedRecords, type Failure, type FieldUse } from './records.ts';

/**
 * Capture and packing: what the recorder does per resolver call and per batch, on the
 * request's path. The stored format is records.ts's.
 */

type Path = GraphQLResolveInfo['path'];

/** `Type.field` names by a process-wide number, registered when resolvers are wrapped. */
const fieldNames: string[] = [];
/** The field part of each, the response key of an unaliased call. */
const fieldKeys: string[] = [];
const fieldNumbers = new Map<string, number>();
export function fieldId(fieldPath: string): number {
  let id = fieldNumbers.get(fieldPath);
  if (id === undefined) {
    id = fieldNames.length;
    fieldNames.push(fieldPath);
    fieldKeys.push(fieldPath.slice(fieldPath.indexOf('.') + 1));
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

const noList = -1;

/** A batch's number for each process-wide field number, -1 when unused; reset after use. */
let localIds = new Int32Array(0);

/**
 * One request's resolver calls, as captured: typed arrays, no object, string or array slot
 * per call on the JavaScript heap, and no hold on graphql-js's path nodes. The calls live as
 * long as the request; what was kept per call on the heap outlived the young generation,
 * and collecting it was the recorder's largest cost (docs/DECISIONS.md "Audit log").
 *
 * A call's response path is its parent call's index plus the rest: its response key, after
 * a list index when it sits in a list (`57.node`). Parents are found by marking each call's
 * own path node with its index: a child's walk up its path meets its parent's mark. Keys
 * are stored only when they differ from the field's name (aliases, lists in lists), and
 * arguments only when there are some.
 */
export class CallLog {
  private n = 0;
  private fields = new Int32Array(16);
  private parents = new Int32Array(16);
  private offsets = new Int32Array(16);
  private lists = new Int32Array(16);
  /** Response keys that are not the field's name, by call. */
  private readonly keys = new Map<number, string>();
  private readonly args = new Map<number, string>();
  /** Outcomes known when called (a mutation's `started`); the rest come from `pack`. */
  private readonly preset = new Map<number, Failure>();

  constructor(readonly startedAt: number) {}

  get size(): number {
    return this.n;
  }

  /**
   * A call at `path` (graphql-js's node for a field, or a `pathNode`); calls come in order.
   * `leaf`: the field returns a scalar or enum, so no call sits below it and its path node
   * needs no mark (most calls: marking every node cost a shape change and an allocation).
   */
  add(
    field: number,
    path: Path,
    args: string | null,
    at = Date.now(),
    outcome?: Failure,
    leaf = false,
  ): void {
    const i = this.n;
    if (i === this.fields.length) this.grow();
    // Walk up to the nearest call; usually no step (a field of an object) or one (a list).
    let parent = -1;
    let hops = 0;
    let inner: string | number = 0;
    let above = '';
    for (let p = path.prev as MarkedPath | undefined; p; p = p.prev) {
      const j = p[callIndex];
      if (j !== undefined) {
        parent = j;
        break;
      }
      if (hops === 0) inner = p.key;
      else above = `${p.key}.${above}`;
      hops += 1;
    }
    const own = path.key;
    const named = own === fieldKeys[field];
    let list = noList;
    let key: string | undefined;
    if (hops === 0) key = named ? undefined : String(own);
    else if (hops === 1 && typeof inner === 'number') {
      list = inner;
      key = named ? undefined : String(own);
    } else key = `${above}${inner}.${own}`;
    if (!leaf) (path as MarkedPath)[callIndex] = i;
    this.fields[i] = field;
    this.parents[i] = parent;
    this.offsets[i] = at - this.startedAt;
    this.lists[i] = list;
    if (key !== undefined) this.keys.set(i, key);
    if (args !== null) this.args.set(i, args);
    if (outcome && outcome.outcome !== 'ok') this.preset.set(i, outcome);
    this.n = i + 1;
  }

  /** The rest of call `i`'s response path after its parent's. */
  private keyOf(i: number): string {
    const key = this.keys.get(i) ?? fieldKeys[this.fields[i]!]!;
    const list = this.lists[i]!;
    return list === noList ? key : `${list}.${key}`;
  }

  /**
   * Packs the calls (synchronously: the field numbering scratch is shared). `failures`, by response path, marks the calls whose value became an
   * error: the GraphQL errors of the response, so no call needs watching for its result.
   */
  pack(failures?: ReadonlyMap<string, Failure>): PackedRecords {
    try {
      return this.packWith(failures);
    } finally {
      for (let i = 0; i < this.n; i++) localIds[this.fields[i]!] = -1;
    }
  }

  private packWith(failures?: ReadonlyMap<string, Failure>): PackedRecords {
    if (localIds.length < fieldNames.length)
      localIds = new Int32Array(fieldNames.length * 2).fill(-1);
    const local = localIds;
    const names: string[] = [];
    /** Calls per field (local number) that went well, and the other outcomes' uses. */
    const ok: number[] = [];
    const failed = new Map<string, FieldUse>();
    const paths: string[] | undefined = failures?.size ? [] : undefined;
    // Most calls have no preset outcome, own key or arguments: skip the lookups when none do.
    const preset = this.preset.size ? this.preset : undefined;
    const keys = this.keys.size ? this.keys : undefined;
    const argsOf = this.args.size ? this.args : undefined;
    const out = new ByteWriter();
    out.utf8('{"records":[');
    for (let i = 0; i < this.n; i++) {
      const parent = this.parents[i]!;
      let failure = preset?.get(i);
      if (paths) {
        const key = this.keyOf(i);
        const path = parent < 0 ? key : `${paths[parent]!}.${key}`;
        paths.push(path);
        failure = failures!.get(path) ?? failure;
      }
      const global = this.fields[i]!;
      let field = local[global]!;
      if (field < 0) {
        field = local[global] = names.length;
        names.push(fieldNames[global]!);
      }
      const key = keys?.get(i) ?? fieldKeys[global]!;
      // `[parent,"list.key",field,offset` at most: four integers, the key, punctuation.
      out.reserve(key.length + 64);
      if (i) out.byte(0x2c);
      out.byte(0x5b);
      out.int(parent);
      out.byte(0x2c);
      out.byte(0x22);
      // Keys are GraphQL names and list indexes joined by dots: nothing JSON would escape.
      const list = this.lists[i]!;
      if (list !== noList) {
        out.int(list);
        out.byte(0x2e);
      }
      out.ascii(key);
      out.byte(0x22);
      out.byte(0x2c);
      out.int(field);
      out.byte(0x2c);
      out.int(this.offsets[i]!);
      const args = argsOf?.get(i);
      if (args !== undefined || failure) {
        out.byte(0x2c);
        out.utf8(args === undefined ? 'null' : JSON.stringify(args));
      }
      if (failure) {
        out.utf8(`,"${failure.outcome}",`);
        out.utf8(failure.errorCode === null ? 'null' : JSON.stringify(failure.errorCode));
        const use = failed.get(`${field} ${failure.outcome}`);
        if (use) use[2] += 1;
        else failed.set(`${field} ${failure.outcome}`, [names[field]!, failure.outcome, 1]);
      } else ok[field] = (ok[field] ?? 0) + 1;
      out.reserve(1);
      out.byte(0x5d);
    }
    out.utf8('],"fields":');
    out.utf8(JSON.stringify(names));
    out.reserve(1);
    out.byte(0x7d);
    const uses: FieldUse[] = [];
    names.forEach((name, field) => ok[field] && uses.push([name, 'ok', ok[field]]));
    return new PackedRecords(out.done(), this.n, [...uses, ...failed.values()]);
  }

  private grow(): void {
    const bigger = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.fields = bigger(this.fields);
    this.parents = bigger(this.parents);
    this.offsets = bigger(this.offsets);
    this.lists = bigger(this.lists);
  }
}

/** Scratch space for packing, reused: a batch's text is built outside the JavaScript heap. */
let scratch = Buffer.allocUnsafe(1 << 16);

/**
 * Appends to `scratch`; `done` copies out exactly what was written. `byte`, `int` and
 * `ascii` write unchecked, into room the caller `reserve`d first (once per record: a check
 * per byte was most of the packing); `utf8` makes its own room.
 */
class ByteWriter {
  private pos = 0;

  reserve(bytes: number): void {
    if (this.pos + bytes <= scratch.length) return;
    const next = Buffer.allocUnsafe(Math.max(scratch.length * 2, this.pos + bytes));
    scratch.copy(next, 0, 0, this.pos);
    scratch = next;
  }

  byte(b: number): void {
    scratch[this.pos++] = b;
  }

  /** An integer (at most 11 bytes), digit by digit: a native write per number cost more. */
  int(n: number): void {
    if (n < 0) {
      scratch[this.pos++] = 0x2d;
      n = -n;
    }
    let digits = 1;
    for (let m = n; m >= 10; m = Math.floor(m / 10)) digits += 1;
    for (let k = this.pos + digits - 1; k >= this.pos; k--, n = Math.floor(n / 10))
      scratch[k] = 0x30 + (n % 10);
    this.pos += digits;
  }

  /** A short ASCII string (a GraphQL name or such), char by char. */
  ascii(s: string): void {
    for (let k = 0; k < s.length; k++) scratch[this.pos++] = s.charCodeAt(k);
  }

  utf8(s: string): void {
    this.reserve(s.length * 3);
    this.pos += scratch.write(s, this.pos, 'utf8');
  }

  done(): Uint8Array {
    return new Uint8Array(scratch.subarray(0, this.pos));
  }
}
