import { unauthenticated } from '../errors/index.ts';
import type { ConsentGrant, Principal } from './principal.ts';

/** What every subgraph resolver sees: verified identity from the gateway, or nothing. */
export interface SubgraphContext {
  requestId: string;
  principal?: Principal;
  grant?: ConsentGrant;
  /** Set when the PSU is present (see InternalContext.psuIpAddress). */
  psuIpAddress?: string;
  /** The client's operation at the gateway (see InternalContext.operationName). */
  operationName?: string;
}

/**
 * The caller, for resolvers behind shield: shield has already refused anonymous callers, so
 * this narrows the type and guards a resolver reached some other way.
 */
export function principalOf(ctx: SubgraphContext): Principal {
  if (!ctx.principal) throw unauthenticated();
  return ctx.principal;
}
