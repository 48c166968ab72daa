import { signHs256, verifyHs256 } from './hs256.ts';
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

const contextType = 'ledgergraph-context+jwt';
const serviceType = 'ledgergraph-service+jwt';

// Async for the callers' sake (they were written for jose): signing is synchronous now.
export async function signInternalContext(
  context: InternalContext,
  audience: string,
  secret: string,
): Promise<string> {
  return signHs256(
    { ctx: context },
    { typ: contextType, issuer, audience, lifetimeSeconds },
    secret,
  );
}

/** Returns undefined for a missing, forged, expired or misaddressed context. */
export async function verifyInternalContext(
  token: string | undefined,
  audience: string,
  secret: string,
): Promise<InternalContext | undefined> {
  if (!token) return undefined;
  const claims = verifyHs256(
    token,
    { typ: contextType, issuer, audience, clockTolerance: 5 },
    secret,
  );
  return claims?.ctx as InternalContext | undefined;
}

/**
 * A bearer for gateway → service calls outside GraphQL (the consent grant lookup):
 * proves the caller holds the internal secret, for one audience, for a few seconds.
 */
export async function signServiceCall(audience: string, secret: string): Promise<string> {
  return signHs256({}, { typ: serviceType, issuer, audience, lifetimeSeconds: 30 }, secret);
}

export async function verifyServiceCall(
  token: string | undefined,
  audience: string,
  secret: string,
): Promise<boolean> {
  if (!token) return false;
  return verifyHs256(token, { typ: serviceType, issuer, audience }, secret) !== undefined;
}
