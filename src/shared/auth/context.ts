import type { ConsentGrant, Principal } from './principal.ts';

/** What every subgraph resolver sees: verified identity from the gateway, or nothing. */
export interface SubgraphContext {
  requestId: string;
  principal?: Principal;
  grant?: ConsentGrant;
  /** Set when the PSU is present (see InternalContext.psuIpAddress). */
  psuIpAddress?: string;
}
