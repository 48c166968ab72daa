import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';
import { SignJWT, jwtVerify } from 'jose';

/**
 * The part of an address one party controls, which limits count per: the whole IPv4
 * address, but an IPv6 /64 (one subscriber gets a /64 or more and could rotate through it).
 * An IPv4-mapped IPv6 address is its IPv4 address.
 */
export function addressKey(address: string): string {
  const plain = address.replace(/%.*$/, '');
  if (isIPv4(plain)) return plain;
  if (!isIPv6(plain)) return plain.slice(0, 64);
  const groups = ipv6Groups(plain);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` and a dotted IPv4 tail expanded). */
function ipv6Groups(address: string): number[] {
  const toGroups = (part: string) =>
    part
      ? part.split(':').flatMap((g) => {
          if (!g.includes('.')) return [parseInt(g, 16)];
          const [a, b, c, d] = g.split('.').map(Number) as [number, number, number, number];
          return [(a << 8) | b, (c << 8) | d];
        })
      : [];
  const [head = '', tail] = address.split('::');
  const h = toGroups(head);
  const t = tail === undefined ? [] : toGroups(tail);
  return [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/**
 * The gateway tells the consent service whose request it forwards: the caller's address,
 * signed with the internal secret so that nobody else can name an address of their choice
 * and step around the per-address limits. A short lifetime bounds replay.
 */
export const clientAddressHeader = 'x-ledgergraph-client-address';
const issuer = 'ledgergraph-gateway';
const audience = 'ledgergraph:client-address';
const typ = 'ledgergraph-address+jwt';
const keyOf = (secret: string) => new TextEncoder().encode(secret);

export function signClientAddress(address: string, secret: string): Promise<string> {
  return new SignJWT({ addr: address })
    .setProtectedHeader({ alg: 'HS256', typ })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('30s')
    .sign(keyOf(secret));
}

/**
 * The address a request came from: the gateway's signed header when it verifies under
 * `secret`, else the connection's peer. An unverifiable header is ignored, not trusted.
 */
export async function clientAddressOf(req: IncomingMessage, secret?: string): Promise<string> {
  const header = req.headers[clientAddressHeader];
  if (secret && typeof header === 'string') {
    try {
      const { payload } = await jwtVerify(header, keyOf(secret), {
        algorithms: ['HS256'],
        issuer,
        audience,
        typ,
        clockTolerance: 5,
      });
      if (typeof payload.addr === 'string') return payload.addr;
    } catch {
      // Forged, expired or from elsewhere: fall back to the peer.
    }
  }
  return req.socket.remoteAddress ?? 'unknown';
}
