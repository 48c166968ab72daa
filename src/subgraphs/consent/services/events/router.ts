import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../../../../shared/clock.ts';
import type { LedgerEvent } from '../../../../shared/events/types.ts';
import type { ConsentDb } from '../../db/client.ts';
import { ConsentStatus } from '../consent-rules.ts';

/** What one client app is told of one event: ids and small facts, read the rest via the graph. */
export interface ClientEventTarget {
  clientAppId: string;
  consentId?: string;
  data: Record<string, unknown>;
}

const readsTransactions = (permissions: string) =>
  permissions.split(' ').some((p) => p.startsWith('ReadTransactions'));

/**
 * Turns the services' events into client events: each goes only to the client app(s) whose
 * consents or payments it is about, under a stable id (the webhook-id), with a delivery for
 * each of that client's enabled endpoints that subscribed to its type. Ingesting an event
 * twice (the transports deliver at least once) changes nothing the second time.
 */
export class EventRouter {
  constructor(
    private readonly db: ConsentDb,
    private readonly clock: Clock,
  ) {}

  async ingest(event: LedgerEvent): Promise<number> {
    const targets = await this.targets(event);
    if (targets.length === 0) return 0;
    const now = this.clock.now();
    return this.db.$transaction(async (tx) => {
      let stored = 0;
      for (const t of targets) {
        const id = clientEventId(event.id, t.clientAppId, t.consentId);
        if (await tx.clientEvent.findUnique({ where: { id }, select: { id: true } })) continue;
        await tx.clientEvent.create({
          data: {
            id,
            sourceEventId: event.id,
            clientAppId: t.clientAppId,
            type: event.type,
            occurredAt: new Date(event.occurredAt),
            data: JSON.stringify(t.data),
            createdAt: now,
          },
        });
        const endpoints = await tx.webhookEndpoint.findMany({
          where: { clientAppId: t.clientAppId, status: 'Enabled' },
          select: { id: true, eventTypes: true },
        });
        for (const e of endpoints.filter((e) => e.eventTypes.split(' ').includes(event.type))) {
          await tx.webhookDelivery.create({
            data: {
              id: `dlv_${randomUUID()}`,
              eventId: id,
              endpointId: e.id,
              clientAppId: t.clientAppId,
              status: 'Pending',
              nextAttemptAt: now,
              createdAt: now,
              updatedAt: now,
            },
          });
        }
        stored++;
      }
      return stored;
    });
  }

  /** Who may hear of it: the client app of the consent or payment, never anyone else. */
  private async targets(event: LedgerEvent): Promise<ClientEventTarget[]> {
    const s = event.subject;
    const str = (k: string) => (typeof s[k] === 'string' ? s[k] : undefined);
    // A bank connection's consent lapsing (accounts service) rather than a client's own.
    if (event.type === 'CONSENT_EXPIRING' && str('kind') === 'connection') {
      return this.connectionTargets(event);
    }
    switch (event.type) {
      case 'CONSENT_STATUS_CHANGED':
      case 'CONSENT_EXPIRING': {
        const consent = await this.db.consent.findUnique({
          where: { id: str('consentId') ?? '' },
          select: { id: true, clientAppId: true },
        });
        if (!consent) return [];
        const data: Record<string, unknown> = { consentId: consent.id };
        for (const k of ['status', 'previousStatus', 'expiresAt']) if (str(k)) data[k] = str(k);
        return [{ clientAppId: consent.clientAppId, consentId: consent.id, data }];
      }
      case 'PAYMENT_STATUS_CHANGED': {
        const clientAppId = str('clientId');
        if (!clientAppId) return [];
        const data: Record<string, unknown> = {};
        for (const k of ['paymentId', 'paymentConsentId', 'consentId', 'status']) {
          if (str(k)) data[k] = str(k);
        }
        return [{ clientAppId, data }];
      }
      case 'TRANSACTIONS_UPDATED': {
        const accountId = str('accountId');
        if (!accountId) return [];
        const consents = await this.consentsCovering(str('psuId'), [accountId]);
        return consents
          .filter((c) => readsTransactions(c.permissions))
          .map((c) => ({
            clientAppId: c.clientAppId,
            consentId: c.id,
            data: {
              consentId: c.id,
              accountId,
              added: Number(s.added ?? 0),
              modified: Number(s.modified ?? 0),
              removed: Number(s.removed ?? 0),
            },
          }));
      }
      case 'CONNECTION_REAUTHORISATION_REQUIRED':
        return this.connectionTargets(event);
    }
  }

  /**
   * A bank connection's news (re-authorisation needed, its bank consent lapsing): to each
   * client whose consent covers its accounts, naming that client only its own accounts.
   */
  private async connectionTargets(event: LedgerEvent): Promise<ClientEventTarget[]> {
    const s = event.subject;
    const str = (k: string) => (typeof s[k] === 'string' ? s[k] : undefined);
    const accountIds = (str('accountIds') ?? '').split(',').filter(Boolean);
    const consents = await this.consentsCovering(str('psuId'), accountIds);
    const lapsing =
      str('kind') === 'connection' ? { kind: 'connection', expiresAt: str('expiresAt') } : {};
    return consents.map((c) => ({
      clientAppId: c.clientAppId,
      consentId: c.id,
      data: {
        consentId: c.id,
        ...lapsing,
        bankId: str('bankId') ?? null,
        accountIds: c.accounts.filter((a) => accountIds.includes(a)),
      },
    }));
  }

  /** The PSU's Authorised consents that selected any of these accounts. */
  private async consentsCovering(psuId: string | undefined, accountIds: string[]) {
    if (!psuId || accountIds.length === 0) return [];
    const rows = await this.db.consent.findMany({
      where: { psuId, status: ConsentStatus.Authorised },
      select: { id: true, clientAppId: true, permissions: true, selectedAccountIds: true },
    });
    return rows
      .map((r) => ({ ...r, accounts: JSON.parse(r.selectedAccountIds) as string[] }))
      .filter((r) => r.accounts.some((a) => accountIds.includes(a)));
  }
}

/** Stable across redeliveries of the source event: the webhook-id a receiver dedupes on. */
export function clientEventId(sourceId: string, clientAppId: string, consentId = ''): string {
  const digest = createHash('sha256').update(`${sourceId}|${clientAppId}|${consentId}`);
  return `evt_${digest.digest('base64url').slice(0, 27)}`;
}
