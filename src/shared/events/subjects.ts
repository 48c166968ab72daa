import { newEvent, outboxRow } from './outbox.ts';

/**
 * The outbox rows each service writes, one constructor per event type, so a subject's
 * fields are named in one place (the consent service's router reads them back).
 */
export const outboxEvents = {
  /** A sync stored changes for one account (accounts service). */
  transactionsUpdated(
    s: { accountId: string; psuId: string; added: number; modified: number; removed: number },
    at: Date,
  ) {
    return outboxRow(newEvent('TRANSACTIONS_UPDATED', 'accounts', { ...s }, at));
  },

  /** The bank no longer honours a connection; the PSU must connect again (accounts service). */
  connectionReauthorisationRequired(
    s: { connectionId: string; psuId: string; bankId: string; accountIds: readonly string[] },
    at: Date,
  ) {
    return outboxRow(
      newEvent(
        'CONNECTION_REAUTHORISATION_REQUIRED',
        'accounts',
        { ...s, accountIds: s.accountIds.join(',') },
        at,
      ),
    );
  },

  /**
   * The bank consent behind a connection lapses soon (accounts service): CONSENT_EXPIRING with
   * kind `connection`, so the router tells each client whose consent covers its accounts.
   */
  connectionConsentExpiring(
    s: {
      connectionId: string;
      psuId: string;
      bankId: string;
      expiresAt: Date;
      accountIds: readonly string[];
    },
    at: Date,
  ) {
    return outboxRow(
      newEvent(
        'CONSENT_EXPIRING',
        'accounts',
        {
          kind: 'connection',
          ...s,
          expiresAt: s.expiresAt.toISOString(),
          accountIds: s.accountIds.join(','),
        },
        at,
      ),
      connectionExpiryKey(s.connectionId, s.expiresAt),
    );
  },

  /** A payment's status changed, or it was created with its first one (payments service). */
  paymentStatusChanged(
    s: {
      paymentId: string;
      paymentConsentId: string;
      consentId: string;
      clientId: string;
      status: string;
      previousStatus?: string | null;
    },
    at: Date,
  ) {
    const { previousStatus, ...rest } = s;
    return outboxRow(
      newEvent(
        'PAYMENT_STATUS_CHANGED',
        'payments',
        previousStatus ? { ...rest, previousStatus } : rest,
        at,
      ),
    );
  },
};

/** One CONSENT_EXPIRING per connection and bank-consent expiry: the outbox's unique key. */
export function connectionExpiryKey(connectionId: string, expiresAt: Date): string {
  return `CONSENT_EXPIRING:connection:${connectionId}:${expiresAt.toISOString()}`;
}
