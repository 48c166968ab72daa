import { SignJWT, jwtVerify } from 'jose';
import type { ConsentGrant, Principal } from './principal.ts';

/**
 * The gateway forwards who is calling to subgraphs as a short-lived JWS (HS256 with a
 * secret shared only between gateway and subgraphs), addressed to one subgraph so it cannot
 * be replayed against another. Subgraphs never trust bare identity headers.
 */
export const internalContextHeader = 'x-ledgergraph-context';
const issuer = 'ledgergraph-gateway';
const lifetimeSeconds = 60;

export interface InternalContext {
  requestId: string;
  principal: Principal;
  grant?: ConsentGrant;
}

const keyOf = (secret: string) => new TextEncoder().encode(secret);

export async function signInternalContext(
  context: InternalContext,
  audience: string,
  secret: string,
): Promise<string> {
  return new SignJWT({ ctx: context })
    .setProtectedHeader({ alg: 'HS256', typ: 'ledgergraph-context+jwt' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${lifetimeSeconds}s`)
    .sign(keyOf(secret));
}

/** Returns undefined for a missing, forged, expired or misaddressed context. */
export async function verifyInternalContext(
  token: string | undefined,
  audience: string,
  secret: string,
): Promise<InternalContext | undefined> {
  if (!token) return undefined;
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      algorithms: ['HS256'],
      issuer,
      audience,
      typ: 'ledgergraph-context+jwt',
      clockTolerance: 5,
    });
    return payload.ctx as InternalContext;
  } catch {
    return undefined;
  }
}
