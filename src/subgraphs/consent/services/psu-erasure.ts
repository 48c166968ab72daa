import type { Clock } from '../../../shared/clock.ts';
import { notFound } from '../../../shared/errors/index.ts';
import { jurisdictionOf, type Jurisdiction } from '../../../shared/jurisdiction/index.ts';
import type { ConsentDb } from '../db/client.ts';
import type { ConsentService } from './consent.service.ts';

export interface ConsentStoreErasure {
  /** The PSU's jurisdiction: which retention duties the other stores keep to. */
  jurisdiction: Jurisdiction;
  consentsRevoked: number;
  /** Authorization-server rows (sessions, grants, tokens) of the PSU deleted. */
  authorizationRows: number;
  /** True when the PSU had been erased before (this run finished or repeated it). */
  again: boolean;
}

/**
 * Erases a PSU's personal data from the consent store (GDPR art. 17): display name,
 * username, password hash, second factor and staff scopes go; the row stays, marked
 * `erasedAt`, because consents, their history and the audit log name the PSU by id. Their
 * consents are revoked first (clients hear of it through the outbox as for any revocation)
 * and their authorization-server sessions, grants and tokens deleted, so nothing signs in
 * or reads as them again. Consents and their history hold no personal data beyond the id
 * and are the record of what the PSU authorised: they stay.
 */
export class PsuErasureService {
  constructor(
    private readonly db: ConsentDb,
    private readonly consents: ConsentService,
    private readonly clock: Clock,
  ) {}

  async erase(psuId: string): Promise<ConsentStoreErasure> {
    const psu = await this.db.psu.findUnique({ where: { id: psuId } });
    if (!psu) throw notFound(`No PSU ${psuId}`);
    const jurisdiction = jurisdictionOf(psu.country);
    const consentsRevoked = await this.consents.revokeAllOf(psuId, 'PSU data erased');
    const grants = (
      await this.db.consent.findMany({
        where: { psuId, grantId: { not: null } },
        select: { grantId: true },
      })
    ).map((c) => c.grantId!);
    const authorizationRows = await this.db.$transaction(async (tx) => {
      const byGrant = await tx.oidcPayload.deleteMany({ where: { grantId: { in: grants } } });
      // Sessions name the signed-in PSU as accountId in their payload, not by grant.
      const sessions = await tx.oidcPayload.deleteMany({
        where: { model: 'Session', payload: { contains: `"accountId":${JSON.stringify(psuId)}` } },
      });
      await tx.psu.update({
        where: { id: psuId },
        data: {
          // Unique and unusable: no one can sign in as it, or take the old name by accident.
          username: `erased:${psuId}`,
          displayName: '',
          passwordHash: '',
          totpSecret: null,
          staffScopes: '',
          erasedAt: psu.erasedAt ?? this.clock.now(),
        },
      });
      return byGrant.count + sessions.count;
    });
    return { jurisdiction, consentsRevoked, authorizationRows, again: psu.erasedAt !== null };
  }
}
