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
  /**
   * The PSU's IP address from `x-fapi-customer-ip-address`, when the client app says the
   * PSU is present. PSD2 limits unattended reads; reads with the PSU present are not.
   */
  psuIpAddress?: string;
  /**
   * The name of the operation the client ran at the gateway. The query planner's subgraph
   * operations are anonymous, and the audit log records what the client asked for.
   */
  operationName?: string;
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

/**
 * A bearer for gateway → service calls outside GraphQL (the consent grant lookup):
 * proves the caller holds the internal secret, for one audience, for a few seconds.
 */
export async function signServiceCall(audience: string, secret: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'ledgergraph-service+jwt' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('30s')
    .sign(keyOf(secret));
}

export async function verifyServiceCall(
  token: string | undefined,
  audience: string,
  secret: string,
): Promise<boolean> {
  if (!token) return false;
  try {
    await jwtVerify(token, keyOf(secret), {
      algorithms: ['HS256'],
      issuer,
      audience,
      typ: 'ledgergraph-service+jwt',
    });
    return true;
  } catch {
    return false;
  }
}
