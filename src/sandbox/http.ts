import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** What a handler answers; the server adds standard headers, faults and serialisation. */
export interface Reply {
  status: number;
  /** Serialised as JSON unless it is a string (sent as is). Absent: empty body. */
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
}

export interface ApiRequest {
  method: string;
  /** Absolute URL as the client addressed it on this bank's origin. */
  url: URL;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  params: Readonly<Record<string, string>>;
}

/** Synchronous, so one request's state changes run in one transaction. */
export type Handler = (req: ApiRequest) => Reply;

export function header(req: ApiRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export function parseJsonBody(req: ApiRequest): Parsed<unknown> {
  const type = header(req, 'content-type') ?? '';
  if (!/^application\/(.+\+)?json/i.test(type)) {
    return { ok: false, message: 'Content-Type must be application/json' };
  }
  try {
    return { ok: true, value: JSON.parse(req.rawBody) as unknown };
  } catch {
    return { ok: false, message: 'Request body is not valid JSON' };
  }
}

export function parseFormBody(req: ApiRequest): Parsed<URLSearchParams> {
  const type = header(req, 'content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded/i.test(type)) {
    return { ok: false, message: 'Content-Type must be application/x-www-form-urlencoded' };
  }
  return { ok: true, value: new URLSearchParams(req.rawBody) };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MAX_BODY_BYTES = 1_000_000;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

interface Route {
  method: string;
  segments: readonly string[];
  handler: Handler;
}

/**
 * Whether the request's Accept admits `type` (RFC 9110 §12.5.1): no Accept at all, or the
 * most specific media range covering it has q > 0. Parameters other than q are ignored.
 */
export function accepts(req: ApiRequest, type: string): boolean {
  const accept = header(req, 'accept');
  if (accept === undefined || accept.trim() === '') return true;
  const [major] = type.split('/');
  let best: { specificity: number; q: number } | undefined;
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const specificity = range === type ? 3 : range === `${major}/*` ? 2 : range === '*/*' ? 1 : 0;
    if (specificity === 0 || (best && best.specificity >= specificity)) continue;
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    best = { specificity, q: Number.isFinite(q) ? q : 0 };
  }
  return best !== undefined && best.q > 0;
}

/** Runs before every handler of a router; a reply stops the request there. */
export type Guard = (req: ApiRequest) => Reply | undefined;

export type RouteMatch =
  | { kind: 'found'; handler: Handler; params: Record<string, string> }
  | { kind: 'method-not-allowed' }
  | { kind: 'not-found' };

/** Path templates use `{name}` segments, as the OpenAPI files do. */
export class Router {
  private readonly routes: Route[] = [];
  private readonly guards: Guard[] = [];

  /** A check for every route, added before or after it. */
  guard(check: Guard): this {
    this.guards.push(check);
    return this;
  }

  add(method: string, template: string, handler: Handler): this {
    this.routes.push({ method, segments: template.split('/').filter(Boolean), handler });
    return this;
  }

  match(method: string, path: string): RouteMatch {
    const parts = path.split('/').filter(Boolean);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method) return { kind: 'found', handler: this.guarded(route), params };
    }
    return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
  }

  private guarded(route: Route): Handler {
    if (this.guards.length === 0) return route.handler;
    return (req) => {
      for (const check of this.guards) {
        const stop = check(req);
        if (stop) return stop;
      }
      return route.handler(req);
    };
  }
}

function matchSegments(
  template: readonly string[],
  parts: readonly string[],
): Record<string, string> | undefined {
  if (template.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const expected = template[i] ?? '';
    const actual = parts[i] ?? '';
    if (expected.startsWith('{') && expected.endsWith('}')) {
      try {
        params[expected.slice(1, -1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}

/** Same structure, same text: object keys sorted, so fingerprints ignore key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
