import type { Jurisdiction } from '../jurisdiction/index.ts';

/**
 * Who is calling. `client`: a client app acting for itself (client_credentials);
 * `psu`: an end user managing their consents; `consent`: a client app acting for a PSU
 * under an authorised consent.
 */
export type PrincipalKind = 'client' | 'psu' | 'consent';

export interface Principal {
  kind: PrincipalKind;
  /** `sub` of the token: the client id for `client`, the PSU id otherwise. */
  subject: string;
  /** One of our registered client apps (for an external issuer's token, the one mapped to). */
  clientId: string;
  /** The `client_id` an external issuer gave, when the token is not our own. */
  externalClientId?: string;
  psuId?: string;
  consentId?: string;
  scopes: string[];
  /** Authentication context class (e.g. SCA) when the issuer states one. */
  acr?: string;
  tokenId: string;
  issuer: string;
  expiresAt: number;
}

/**
 * What an Authorised consent allows, looked up by the gateway on every request and passed
 * to subgraphs in the signed internal context: the row-level bounds of every answer.
 */
export interface ConsentGrant {
  consentId: string;
  psuId: string;
  clientId: string;
  status: string;
  permissions: string[];
  accountIds: string[];
  transactionFromDate: string | null;
  transactionToDate: string | null;
  expiresAt: string | null;
  /**
   * The PSU's jurisdiction (from their country, src/shared/jurisdiction): what the audit
   * batches of requests under this consent are tagged with. Absent from grants cached by a
   * gateway from before it existed.
   */
  jurisdiction?: Jurisdiction;
}

export const hasScope = (p: Principal | undefined, scope: string): boolean =>
  !!p && p.scopes.includes(scope);
