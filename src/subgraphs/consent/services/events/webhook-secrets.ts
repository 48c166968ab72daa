import { SealedValueError, type SecretBox } from '../../../../shared/crypto/secret-box.ts';
import type { ConsentDb } from '../../db/client.ts';

/** The sealed columns of a WebhookEndpoint row. */
export interface SealedSecrets {
  id: string;
  sealedSecret: string;
  sealedPreviousSecret: string | null;
}

/** What migration 0004 left in the renamed columns: a whsec_ secret not yet sealed. */
const inTheClear = (value: string) => value.startsWith('whsec_');

/**
 * Webhook signing secrets at rest, sealed under consent's own key (the one that seals PSUs'
 * TOTP secrets): a copy of the store alone cannot forge a delivery. The endpoint's id and
 * column are the associated data, so a sealed secret moved onto another endpoint does not
 * open.
 */
export class WebhookSecrets {
  constructor(private readonly box: SecretBox) {}

  seal(endpointId: string, secret: string, column: 'current' | 'previous'): string {
    return this.box.seal(secret, contextOf(endpointId, column));
  }

  /** The current secret first; throws SealedValueError when its key is gone. */
  open(row: SealedSecrets, withPrevious: boolean): string[] {
    const secrets = [this.box.open(row.sealedSecret, contextOf(row.id, 'current'))];
    if (withPrevious && row.sealedPreviousSecret) {
      secrets.push(this.box.open(row.sealedPreviousSecret, contextOf(row.id, 'previous')));
    }
    return secrets;
  }

  /** The current secret, or null when its key was rotated out and dropped (nothing to keep). */
  openCurrent(row: SealedSecrets): string | null {
    try {
      return this.box.open(row.sealedSecret, contextOf(row.id, 'current'));
    } catch (e) {
      if (e instanceof SealedValueError) return null;
      throw e;
    }
  }

  /**
   * Seals what an earlier version stored in the clear, and re-seals what a rotated-out key
   * sealed, so that key can be dropped. Run at start, before any delivery; returns the rows
   * it rewrote.
   */
  async sealAtRest(db: ConsentDb): Promise<number> {
    const rows = await db.webhookEndpoint.findMany({
      select: { id: true, sealedSecret: true, sealedPreviousSecret: true },
    });
    let rewritten = 0;
    for (const row of rows) {
      const next = {
        sealedSecret: this.fresh(row.id, row.sealedSecret, 'current'),
        sealedPreviousSecret:
          row.sealedPreviousSecret === null
            ? null
            : this.fresh(row.id, row.sealedPreviousSecret, 'previous'),
      };
      if (
        next.sealedSecret === row.sealedSecret &&
        next.sealedPreviousSecret === row.sealedPreviousSecret
      )
        continue;
      // Compare-and-set: a rotation by another replica meanwhile wins.
      const { count } = await db.webhookEndpoint.updateMany({
        where: {
          id: row.id,
          sealedSecret: row.sealedSecret,
          sealedPreviousSecret: row.sealedPreviousSecret,
        },
        data: next,
      });
      rewritten += count;
    }
    return rewritten;
  }

  private fresh(id: string, value: string, column: 'current' | 'previous'): string {
    if (inTheClear(value)) return this.seal(id, value, column);
    if (!this.box.isStale(value)) return value;
    try {
      return this.seal(id, this.box.open(value, contextOf(id, column)), column);
    } catch (e) {
      // Its key is gone: left as it is; the dispatcher disables the endpoint with the reason.
      if (e instanceof SealedValueError) return value;
      throw e;
    }
  }
}

const contextOf = (endpointId: string, column: 'current' | 'previous') =>
  `webhook-endpoint:${endpointId}:${column === 'current' ? 'secret' : 'previous-secret'}`;
