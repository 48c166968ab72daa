import type { ConsentGrant, Principal } from '../../../src/shared/auth/principal.ts';

/** A client's consent-bound token for alice, as the gateway forwards it (cns_1, demo-pfm). */
export const aliceConsent: Principal = {
  kind: 'consent',
  subject: 'psu_alice',
  clientId: 'demo-pfm',
  psuId: 'psu_alice',
  consentId: 'cns_1',
  scopes: [],
  tokenId: 't',
  issuer: 'i',
  expiresAt: 0,
};

/** That consent's grant over these accounts with these permissions, no date window. */
export const aliceGrant = (accountIds: string[], permissions: string[]): ConsentGrant => ({
  consentId: 'cns_1',
  psuId: 'psu_alice',
  clientId: 'demo-pfm',
  status: 'Authorised',
  permissions,
  accountIds,
  transactionFromDate: null,
  transactionToDate: null,
  expiresAt: null,
});

/** A PSU's own token on the hosted pages (choosing accounts for a consent). */
export const psuPrincipal = (id: string): Principal => ({
  kind: 'psu',
  subject: id,
  clientId: 'ledgergraph-hosted-pages',
  psuId: id,
  scopes: ['consents:authorise'],
  tokenId: 't',
  issuer: 'i',
  expiresAt: 0,
});
