import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Compact JWS with HS256 (RFC 7515, RFC 7519 claims) for the tokens our own processes hand
 * each other: the gateway's per-subgraph context and service-call bearers. Every request
 * signs and verifies them, and jose does HMAC through WebCrypto, which costs ~100–150 µs of
 * CPU per operation here against ~10 µs for node:crypto's HMAC (docs/DECISIONS.md,
 * "Internal tokens on node:crypto"). Tokens from outside (access tokens, bank tokens) stay
 * with jose. test/unit/hs256.test.ts checks both directions against jose.
 */
export interface Hs256Claims {
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  [claim: string]: unknown;
}

export interface Hs256Check {
  typ: string;
  issuer: string;
  audience: string;
  /** Seconds of clock skew allowed on `exp` and `nbf`. */
  clockTolerance?: number;
  now?: number;
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const headers = new Map<string, string>();

/** The encoded header for one `typ`, built once: the same bytes every time. */
function headerOf(typ: string): string {
  let h = headers.get(typ);
  if (!h) headers.set(typ, (h = b64(JSON.stringify({ alg: 'HS256', typ }))));
  return h;
}

const mac = (key: string, input: string) => createHmac('sha256', key).update(input).digest();

export function signHs256(
  payload: Record<string, unknown>,
  o: { typ: string; issuer: string; audience: string; lifetimeSeconds: number; now?: number },
  key: string,
): string {
  const iat = o.now ?? Math.floor(Date.now() / 1000);
  const body = b64(
    JSON.stringify({
      ...payload,
      iss: o.issuer,
      aud: o.audience,
      iat,
      exp: iat + o.lifetimeSeconds,
    }),
  );
  const input = `${headerOf(o.typ)}.${body}`;
  return `${input}.${mac(key, input).toString('base64url')}`;
}

/** The claims of a genuine, current token for this audience; undefined for anything else. */
export function verifyHs256(
  token: string,
  check: Hs256Check,
  key: string,
): Hs256Claims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  const want = mac(key, `${h}.${p}`);
  const got = Buffer.from(s, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
  const header = parse(h);
  // Exactly what we sign: no other algorithm, type or critical extension is accepted.
  if (!header || Object.keys(header).length !== 2 || header.alg !== 'HS256') return undefined;
  if (header.typ !== check.typ) return undefined;
  const claims = parse(p);
  if (!claims) return undefined;
  const now = check.now ?? Math.floor(Date.now() / 1000);
  const skew = check.clockTolerance ?? 0;
  if (claims.iss !== check.issuer) return undefined;
  const aud = claims.aud;
  if (Array.isArray(aud) ? !aud.includes(check.audience) : aud !== check.audience) return undefined;
  if (typeof claims.exp !== 'number' || claims.exp <= now - skew) return undefined;
  if (typeof claims.iat !== 'number') return undefined;
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > now + skew))
    return undefined;
  return claims as Hs256Claims;
}

function parse(part: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
