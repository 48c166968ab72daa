import { jurisdictionOf } from '../../../shared/jurisdiction/index.ts';
import { randomUUID } from 'node:crypto';
import type { ConsentGrant, Principal } from '../../../shared/auth/principal.ts';
import { PlatformScope } from '../../../shared/auth/permissions.ts';
import type { Clock } from '../../../shared/clock.ts';
import {
  AppError,
  ErrorCode,
  badInput,
  conflict,
  forbidden,
  notFound,
} from '../../../shared/errors/index.ts';
import type { ConsentChanged } from '../../../shared/signals/index.ts';
import type { ConsentDb } from '../db/client.ts';
import { readGrantRow } from '../db/grant-read.ts';
import {
  ConsentStatus,
  assertTransition,
  isPastExpiry,
  validatePermissions,
  validateWindow,
} from './consent-rules.ts';
import { statusChangedRow } from './events/consent-outbox.ts';

export type ConsentRecord = NonNullable<Awaited<ReturnType<ConsentDb['consent']['findUnique']>>>;
export type Actor = 'PSU' | 'CLIENT' | 'SYSTEM';
/** What a status change needs of the consent it changes. */
type Transitioning = Pick<ConsentRecord, 'id' | 'status' | 'clientAppId'>;

export interface ConsentRequest {
  permissions: string[];
  transactionFromDate?: Date | null;
  transactionToDate?: Date | null;
  expiresAt?: Date | null;
}

const maxSelectedAccounts = 100;

/**
 * Which of these account ids are the PSU's: the accounts service's answer, since this
 * service does not own accounts. Throws UPSTREAM_UNAVAILABLE when it cannot answer.
 */
export interface AccountOwnership {
  owned(psuId: string, accountIds: readonly string[]): Promise<string[]>;
}

/** A compare-and-set lost to a concurrent status change: the one conflict expire() absorbs. */
class ChangedMeanwhile extends AppError {
  constructor() {
    super(ErrorCode.CONFLICT, 'The consent changed meanwhile; read it again');
  }
}

/**
 * The consent lifecycle. Every status change is a compare-and-set on the current status
 * plus a history row, in one transaction, so two racing changes cannot both win.
 * A consent's permissions are fixed at creation: widening means a new consent.
 */
export class ConsentService {
  constructor(
    private readonly db: ConsentDb,
    private readonly clock: Clock,
    /** Told of every status change once committed (gateways drop cached grants); never throws. */
    private readonly onStatusChanged?: (change: ConsentChanged) => Promise<void> | void,
    /** Without it any ids are stored as given: for tests of the lifecycle alone. */
    private readonly accounts?: AccountOwnership,
  ) {}

  async request(client: Principal, input: ConsentRequest): Promise<ConsentRecord> {
    const app = await this.db.clientApp.findUnique({ where: { id: client.clientId } });
    if (!app) throw forbidden('Unknown client app');
    const permissions = validatePermissions(input.permissions, app.allowedPermissions.split(' '));
    const now = this.clock.now();
    validateWindow(input, now);
    const id = `cns_${randomUUID()}`;
    return this.db.consent.create({
      data: {
        id,
        clientAppId: app.id,
        status: ConsentStatus.AwaitingAuthorisation,
        permissions: permissions.join(' '),
        transactionFromDate: input.transactionFromDate ?? null,
        transactionToDate: input.transactionToDate ?? null,
        expiresAt: input.expiresAt ?? null,
        createdAt: now,
        statusHistory: {
          create: { toStatus: ConsentStatus.AwaitingAuthorisation, actor: 'CLIENT', at: now },
        },
      },
    });
  }

  async authorise(psu: Principal, id: string, accountIds: string[]): Promise<ConsentRecord> {
    const unique = [...new Set(accountIds)];
    if (unique.length === 0) throw badInput('Choose at least one account');
    if (unique.length > maxSelectedAccounts)
      throw badInput(`At most ${maxSelectedAccounts} accounts`);
    const consent = await this.pending(id);
    if (isPastExpiry(consent.expiresAt, this.clock.now())) {
      await this.transition(
        consent,
        ConsentStatus.Rejected,
        'SYSTEM',
        'Expired before authorisation',
      );
      throw conflict('The consent expired before it was authorised');
    }
    await this.assertOwned(psu.subject, unique);
    return this.transition(consent, ConsentStatus.Authorised, 'PSU', null, {
      psuId: psu.subject,
      selectedAccountIds: JSON.stringify(unique),
    });
  }

  /** A consent names only the PSU's own accounts, or its compliance record would lie. */
  private async assertOwned(psuId: string, accountIds: string[]): Promise<void> {
    if (!this.accounts) return;
    const owned = new Set(await this.accounts.owned(psuId, accountIds));
    const foreign = accountIds.filter((a) => !owned.has(a));
    if (foreign.length > 0) {
      throw badInput(`accountIds names accounts that are not the PSU’s: ${foreign.join(', ')}`, {
        field: 'accountIds',
        accountIds: foreign,
      });
    }
  }

  async reject(psu: Principal, id: string, reason: string | null): Promise<ConsentRecord> {
    const consent = await this.pending(id);
    return this.transition(consent, ConsentStatus.Rejected, 'PSU', reason, { psuId: psu.subject });
  }

  async revoke(principal: Principal, id: string): Promise<ConsentRecord> {
    const consent = await this.visible(principal, id);
    const actor = this.actorFor(principal, consent);
    if (!actor) throw forbidden('Only the PSU or the client app of a consent may revoke it');
    return this.transition(consent, ConsentStatus.Revoked, actor, null);
  }

  /**
   * Revokes every Authorised consent of a PSU, as the system (erasure): each is the usual
   * compare-and-set with its history row and the client app's event. Returns how many.
   */
  async revokeAllOf(psuId: string, reason: string): Promise<number> {
    const rows = await this.db.consent.findMany({
      where: { psuId, status: ConsentStatus.Authorised },
    });
    let revoked = 0;
    for (const c of rows) {
      try {
        await this.transition(c, ConsentStatus.Revoked, 'SYSTEM', reason);
        revoked += 1;
      } catch (e) {
        // Revoked or expired meanwhile: no longer Authorised either way.
        if (!(e instanceof ChangedMeanwhile)) throw e;
      }
    }
    return revoked;
  }

  /** A consent as its PSU or client app sees it; anyone else gets NOT_FOUND. */
  async visible(principal: Principal, id: string): Promise<ConsentRecord> {
    const consent = await this.refreshed(id);
    if (!consent || !this.canSee(principal, consent)) throw notFound('No such consent');
    return consent;
  }

  async list(principal: Principal, status?: string): Promise<ConsentRecord[]> {
    const where =
      principal.kind === 'client'
        ? { clientAppId: principal.clientId }
        : principal.kind === 'psu'
          ? { psuId: principal.subject }
          : { id: principal.consentId ?? '' };
    const rows = await this.db.consent.findMany({ where, orderBy: { createdAt: 'desc' } });
    const now = this.clock.now();
    const current = await Promise.all(
      rows.map((c) => (this.dueToExpire(c, now) ? this.expire(c) : Promise.resolve(c))),
    );
    return status ? current.filter((c) => c.status === status) : current;
  }

  /**
   * What an access token bound to this consent may see right now, or null when the consent
   * is gone or no longer Authorised (revocation and expiry bite on the next request).
   */
  async grant(id: string): Promise<ConsentGrant | null> {
    const c = await readGrantRow(this.db, id);
    if (!c || c.status !== ConsentStatus.Authorised || !c.psuId) return null;
    // Expiring writes the change and its event; whoever wins, the consent is not Authorised.
    if (this.dueToExpire(c, this.clock.now())) {
      await this.expire(c);
      return null;
    }
    return {
      consentId: c.id,
      psuId: c.psuId,
      clientId: c.clientAppId,
      status: c.status,
      permissions: c.permissions.split(' '),
      accountIds: JSON.parse(c.selectedAccountIds) as string[],
      transactionFromDate: c.transactionFromDate?.toISOString() ?? null,
      transactionToDate: c.transactionToDate?.toISOString() ?? null,
      expiresAt: c.expiresAt?.toISOString() ?? null,
      ...(c.country !== null ? { jurisdiction: jurisdictionOf(c.country) } : {}),
    };
  }

  private canSee(p: Principal, c: ConsentRecord): boolean {
    if (p.kind === 'client') return c.clientAppId === p.clientId;
    if (p.kind === 'consent') return c.id === p.consentId;
    // A PSU sees their own consents, and one still waiting for someone to authorise it.
    return c.psuId === p.subject || c.status === ConsentStatus.AwaitingAuthorisation;
  }

  private actorFor(p: Principal, c: ConsentRecord): Actor | null {
    if (p.kind === 'psu' && c.psuId === p.subject) return 'PSU';
    if (
      p.kind === 'client' &&
      c.clientAppId === p.clientId &&
      p.scopes.includes(PlatformScope.ConsentsManage)
    ) {
      return 'CLIENT';
    }
    return null;
  }

  private async pending(id: string): Promise<ConsentRecord> {
    const consent = await this.refreshed(id);
    if (!consent) throw notFound('No such consent');
    assertTransition(consent.status as ConsentStatus, ConsentStatus.Authorised);
    return consent;
  }

  private async refreshed(id: string): Promise<ConsentRecord | null> {
    const c = await this.db.consent.findUnique({ where: { id } });
    return c && this.dueToExpire(c, this.clock.now()) ? this.expire(c) : c;
  }

  private dueToExpire(c: Pick<ConsentRecord, 'status' | 'expiresAt'>, now: Date): boolean {
    return c.status === ConsentStatus.Authorised && isPastExpiry(c.expiresAt, now);
  }

  private async expire<C extends Transitioning>(c: C): Promise<ConsentRecord | C> {
    try {
      return await this.transition(c, ConsentStatus.Expired, 'SYSTEM', 'Reached expiresAt');
    } catch (e) {
      // Another request expired or revoked it first; the stored row is the truth. Anything
      // else (the store failing) must surface: the row read back would still say Authorised.
      if (!(e instanceof ChangedMeanwhile)) throw e;
      return (await this.db.consent.findUnique({ where: { id: c.id } })) ?? c;
    }
  }

  private async transition(
    consent: Transitioning,
    to: ConsentStatus,
    actor: Actor,
    reason: string | null,
    data: { psuId?: string; selectedAccountIds?: string } = {},
  ): Promise<ConsentRecord> {
    const from = consent.status as ConsentStatus;
    assertTransition(from, to);
    const at = this.clock.now();
    const changed = await this.db.$transaction(async (tx) => {
      const { count } = await tx.consent.updateMany({
        where: { id: consent.id, status: from },
        data: { status: to, updatedAt: at, ...data },
      });
      if (count !== 1) throw new ChangedMeanwhile();
      await tx.consentStatusChange.create({
        data: { consentId: consent.id, fromStatus: from, toStatus: to, actor, reason, at },
      });
      // The client app hears of it exactly when it happened: the event commits with it.
      await tx.outboxEvent.create({ data: statusChangedRow(consent, from, to, at) });
      return tx.consent.findUniqueOrThrow({ where: { id: consent.id } });
    });
    await this.onStatusChanged?.({ consentId: consent.id, status: to });
    return changed;
  }
}
