import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';

/**
 * V8's sampling profiler on this process's main thread, through node:inspector. Every server
 * of a bench system runs in this process, so one profile covers gateway and subgraphs; the
 * load generator (autocannon or bench/support/mix.ts) is in it too and gets its own area.
 * Worker threads (the audit store's SQLite writer) and libuv's pool are not sampled.
 */
export async function startProfiler(intervalUs: number): Promise<{
  stop(): Promise<Profiler.Profile>;
}> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      await session.post('Profiler.disable');
      session.disconnect();
      return profile;
    },
  };
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Packages grouped into the areas the issue asks about; any other package is its own area. */
const packageAreas: [RegExp, string][] = [
  [/^graphql$/, 'graphql-js'],
  // Supergraph composition at start; the gateway's planner is Hive's (its own area).
  [
    /^@apollo\/(composition|query-planner|query-graphs|federation-internals)$/,
    '@apollo/composition',
  ],
  [/^@apollo\/subgraph$/, '@apollo/subgraph'],
  [/^@apollo\//, '@apollo/server'],
  [/^type-graphql$/, 'type-graphql'],
  [/^(graphql-shield|graphql-middleware)$/, 'graphql-shield/graphql-middleware'],
  [/^(@prisma\/.*|prisma|\.prisma)$/, 'prisma'],
  [/^better-sqlite3$/, 'better-sqlite3'],
  [/^jose$/, 'jose'],
  [
    /^(@graphql-hive\/.*|@graphql-mesh\/.*|graphql-yoga|@envelop\/.*|@whatwg-node\/.*)$/,
    'Hive gateway runtime',
  ],
  [
    /^(autocannon|hdr-histogram-js|@assemblyscript\/loader|http-parser-js|reinterval|retimer|hyperid)$/,
    'load generator',
  ],
  [/^(tsx|esbuild|get-tsconfig)$/, 'tsx loader'],
];

const ourAreas: [RegExp, string][] = [
  [/^src\/shared\/audit\//, 'src/shared/audit'],
  [/^src\/shared\/auth\//, 'src/shared/auth'],
  [/^src\/gateway\//, 'src/gateway'],
  [/^src\/subgraphs\/([^/]+)\//, 'src/subgraphs/$1'],
  [/^src\/shared\/([^/]+)\//, 'src/shared/$1'],
  [/^src\/shared\//, 'src/shared'],
  [/^src\/sandbox\//, 'src/sandbox'],
  [/^src\//, 'src (other)'],
  [/^bench\//, 'load generator'],
];

/** A script URL (file:, node:, wasm:) as a path relative to the repo where it is one. */
export function shortUrl(url: string): string {
  if (!url.startsWith('file://')) return url;
  const path = fileURLToPath(url);
  return path.startsWith(repoRoot) ? path.slice(repoRoot.length) : path;
}

/**
 * The area of code at `url`, or undefined when the URL names none (a builtin or native
 * function, Wasm): those take the area of the JavaScript that called them.
 */
export function areaOf(url: string): string | undefined {
  if (url === '' || url.startsWith('wasm:')) return undefined;
  if (url.startsWith('node:') || !url.includes('/')) return 'node internals';
  const path = shortUrl(url);
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = path.slice(nm + 'node_modules/'.length).split('/');
    const pkg = parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
    return packageAreas.find(([re]) => re.test(pkg))?.[1] ?? pkg;
  }
  for (const [re, area] of ourAreas) {
    const m = re.exec(path);
    if (m) return area.replace('$1', m[1] ?? '');
  }
  return 'other';
}

export interface AreaCost {
  area: string;
  selfMs: number;
  /** Of the profile's busy (non-idle) time. */
  share: number;
}

export interface FrameCost {
  function: string;
  /** path:line (1-based); empty for builtins and native functions. */
  location: string;
  area: string;
  /**
   * For node internals and GC: the area of the nearest caller outside them that spent the
   * most of this time (the HTTP server's parser has none: the event loop calls it).
   */
  calledFrom: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  intervalUs: number;
  samples: number;
  /** From the profile's first to its last sample. */
  wallMs: number;
  /** Sampled time with JavaScript, native code or GC on the main thread (everything but idle). */
  busyMs: number;
  idleMs: number;
  areas: AreaCost[];
  /** The `top` functions by self time, one row per function (all call paths summed). */
  frames: FrameCost[];
}

/** Special nodes V8 adds: their own areas, idle left out of every share. */
const specialAreas = new Map<string, string>(
  Object.entries({
    '(garbage collector)': 'GC',
    '(program)': 'node internals',
    '(root)': 'node internals',
  }),
);

/**
 * Self time per function and per area. A sample's time is the gap to the next sample (the
 * last gets the mean gap). A builtin or native function (no URL: JSON.parse, a better-sqlite3
 * statement's `all`) counts in the area of its nearest caller that has one, so "graphql-js"
 * includes the builtins graphql-js calls; native functions called straight from Prisma's
 * SQLite adapter or better-sqlite3's own code count as better-sqlite3.
 */
export function summarise(profile: Profiler.Profile, top = 15): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const areaCache = new Map<number, string>();
  const nodeArea = (id: number): string => {
    const cached = areaCache.get(id);
    if (cached) return cached;
    const n = nodes.get(id)!;
    let area = specialAreas.get(n.callFrame.functionName) ?? areaOf(n.callFrame.url);
    if (area === undefined) {
      const p = parent.get(id);
      const up = p === undefined ? 'node internals' : nodeArea(p);
      const native = n.callFrame.url === '';
      const pUrl = p === undefined ? '' : nodes.get(p)!.callFrame.url;
      area =
        native && /node_modules\/(@prisma\/adapter-better-sqlite3|better-sqlite3)\//.test(pUrl)
          ? 'better-sqlite3'
          : up;
    }
    areaCache.set(id, area);
    return area;
  };

  const neutral = new Set(['node internals', 'GC']);
  const callerCache = new Map<number, string>();
  const callerArea = (id: number): string => {
    const cached = callerCache.get(id);
    if (cached) return cached;
    const p = parent.get(id);
    const area = p === undefined ? '' : neutral.has(nodeArea(p)) ? callerArea(p) : nodeArea(p);
    callerCache.set(id, area);
    return area;
  };

  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const wallUs = profile.endTime - profile.startTime;
  const meanUs = samples.length ? wallUs / samples.length : 0;
  const selfUs = new Map<number, number>();
  for (let i = 0; i < samples.length; i++) {
    const us = i + 1 < deltas.length ? Math.max(deltas[i + 1]!, 0) : meanUs;
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + us);
  }

  let idleUs = 0;
  const byArea = new Map<string, number>();
  const byFrame = new Map<
    string,
    Omit<FrameCost, 'share' | 'selfMs' | 'calledFrom'> & {
      us: number;
      callers: Map<string, number>;
    }
  >();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const area = nodeArea(id);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    const location = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${functionName}\u0000${location}\u0000${area}`;
    const f = byFrame.get(key) ?? {
      function: functionName || '(anonymous)',
      location,
      area,
      us: 0,
      callers: new Map<string, number>(),
    };
    f.us += us;
    if (neutral.has(area)) {
      const caller = callerArea(id) || '(event loop)';
      f.callers.set(caller, (f.callers.get(caller) ?? 0) + us);
    }
    byFrame.set(key, f);
  }
  const busyUs = [...byArea.values()].reduce((a, b) => a + b, 0);
  const share = (us: number) => (busyUs ? us / busyUs : 0);
  return {
    intervalUs: meanUs,
    samples: samples.length,
    wallMs: wallUs / 1000,
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    areas: [...byArea]
      .map(([area, us]) => ({ area, selfMs: us / 1000, share: share(us) }))
      .sort((a, b) => b.selfMs - a.selfMs),
    frames: [...byFrame.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map(({ us, callers, ...f }) => ({
        ...f,
        calledFrom: [...callers].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '',
        selfMs: us / 1000,
        share: share(us),
      })),
  };
}
