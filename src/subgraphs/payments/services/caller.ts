import type { SubgraphContext } from '../../../shared/auth/context.ts';
import type { Principal } from '../../../shared/auth/principal.ts';
import { forbidden, unauthenticated } from '../../../shared/errors/index.ts';

/** A client app acting for one PSU under an authorised consent: the only one who pays. */
export interface Caller {
  principal: Principal;
  clientAppId: string;
  psuId: string;
  /** The platform consent the token is bound to. */
  consentId: string;
  /** The accounts the PSU shared under that consent (opaque Account ids). */
  accountIds: readonly string[];
}

export function callerOf(ctx: SubgraphContext): Caller {
  const principal = ctx.principal;
  if (!principal) throw unauthenticated();
  const grant = ctx.grant;
  if (principal.kind !== 'consent' || !principal.psuId || !grant) {
    throw forbidden('Payments need a token bound to the PSU’s authorised consent');
  }
  return {
    principal,
    clientAppId: principal.clientId,
    psuId: principal.psuId,
    consentId: grant.consentId,
    accountIds: grant.accountIds,
  };
}

/** Rows a caller may see: its own client app's, for the same PSU. */
export const ownedBy = (caller: Caller) => ({
  clientAppId: caller.clientAppId,
  psuId: caller.psuId,
});

/**
 * A reviewer of held payments: a client app acting for itself (client_credentials) whose
 * token carries payments:review. Never a consent-bound token: a PSU's app does not judge.
 */
export function reviewerOf(ctx: SubgraphContext): Principal {
  const principal = ctx.principal;
  if (!principal) throw unauthenticated();
  if (principal.kind !== 'client') {
    throw forbidden('Reviewing held payments needs a client_credentials token');
  }
  return principal;
}
