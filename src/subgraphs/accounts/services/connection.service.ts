import type { Clock } from '../../../shared/clock.ts';
import { bankUnavailable } from '../../../shared/bank-http/errors.ts';
import {
  badInput,
  conflict,
  isAppError,
  notFound,
  type AppError,
} from '../../../shared/errors/index.ts';
import type { BankDirectory } from '../banks/directory.ts';
import type {
  AccountPermission,
  BankAccount,
  BankSession,
  CallOptions,
} from '../connectors/index.ts';
import type { SecretBox } from '../../../shared/crypto/secret-box.ts';
import { accountIdOf, newConnectionId } from '../crypto/ids.ts';
import type { AccountsDb } from '../db/client.ts';
import { countBankCall } from './bank-calls.ts';
import { linkOutcome, type BankLink, type LinkOutcome, type PendingLink } from './bank-link.ts';
import { openBankAccountId, openIdentification, sealAccount } from './sealed.ts';
import { outboxEvents } from '../../../shared/events/subjects.ts';

export const ConnectionStatus = {
  AwaitingAuthorisation: 'AwaitingAuthorisation',
  Active: 'Active',
  /** The bank no longer honours the session (refused, expired); the PSU must connect again. */
  ReauthorisationRequired: 'ReauthorisationRequired',
  /** A newer connection of the same PSU to the same bank took over its accounts. */
  Replaced: 'Replaced',
  Disconnected: 'Disconnected',
  /** The PSU came back from the bank; the code is being exchanged (the state is spent). */
  Completing: 'Completing',
  /** The PSU refused at the bank. */
  Rejected: 'Rejected',
  /** The bank's answer after the PSU's return was unusable; nothing of it was kept. */
  Failed: 'Failed',
} as const;
export type ConnectionStatus = (typeof ConnectionStatus)[keyof typeof ConnectionStatus];

export type ConnectionRow = NonNullable<
  Awaited<ReturnType<AccountsDb['connection']['findUnique']>>
>;

/** What a Connection's sealed secret holds: the bank consent while waiting, then the session. */
type ConnectionSecret =
  | { kind: 'pending'; bankConsentId: string; link?: PendingLink }
  | { kind: 'session'; session: BankSession };

export interface ConnectionStart {
  connection: ConnectionRow;
  /** The PSU authorises this consent at the bank (for OBIE, inside the bank's login flow). */
  bankConsentId: string;
  /** Where to send the PSU: the bank's authorization endpoint (OBIE) or scaRedirect (BG). */
  authorisationUrl: string | null;
  /** The state our callback expects back; single use, bound to this connection. */
  state: string | null;
}

export interface CompleteInput {
  /** OBIE: the code the bank's redirect carried back. */
  authorisationCode?: string | null;
}

export interface ConnectionServiceOptions {
  db: AccountsDb;
  banks: BankDirectory;
  box: SecretBox;
  clock: Clock;
  /**
   * Berlin Group frequencyPerDay asked for in the bank consent; absent: the bank's
   * jurisdiction's unattended-access limit.
   */
  unattendedReadsPerDay?: number;
  /**
   * Lifetime of the bank consent we ask for; absent: the bank's jurisdiction's
   * re-authentication period (UK 90 days, EU 180; src/shared/jurisdiction).
   */
  consentDays?: number;
  /** Sending the PSU to the bank's own login and taking them back (see bank-link.ts). */
  link?: BankLink;
}

/** Everything the aggregator reads; the client apps' consents narrow it down per request. */
const bankPermissions: AccountPermission[] = [
  'ReadAccountsDetail',
  'ReadBalances',
  'ReadTransactionsDetail',
  'ReadTransactionsCredits',
  'ReadTransactionsDebits',
];

/** Refresh an OBIE access token this long before the bank says it ends. */
const refreshLeadMs = 60_000;

/**
 * The aggregator's link to a PSU at a bank: creating the bank consent, completing it once
 * the PSU authorised it, keeping the session (sealed at rest) and refreshing it.
 */
export class ConnectionService {
  private readonly refreshing = new Map<string, Promise<BankSession>>();

  constructor(private readonly o: ConnectionServiceOptions) {}

  /**
   * Creates the bank consent and the connection waiting for it. With the bank link set up,
   * also the URL of the bank's own login for the PSU, and the state our callback expects.
   */
  async start(
    psuId: string,
    bankId: string,
    call: CallOptions = {},
    returnUrl?: string,
  ): Promise<ConnectionStart> {
    const bank = this.o.banks.get(bankId);
    const link = this.o.link;
    const checkedReturn = returnUrl === undefined ? undefined : link?.checkReturnUrl(returnUrl);
    const id = newConnectionId();
    const pending = link?.pending(id, checkedReturn);
    const now = this.o.clock.now();
    const consentDays = this.o.consentDays ?? bank.rules.reauthenticationDays;
    const expiresAt = new Date(now.getTime() + consentDays * 86_400_000);
    countBankCall(bankId, 'consent');
    const consent = await bank.connector.createConsent(
      {
        permissions: bankPermissions,
        expiresAt: expiresAt.toISOString(),
        frequencyPerDay: this.o.unattendedReadsPerDay ?? bank.rules.unattendedReadsPerDay,
        ...(pending && bank.definition.standard === 'berlin-group'
          ? { redirectUri: pending.callbackWithState }
          : {}),
      },
      call,
    );
    const authorisationUrl =
      pending && link && bank.connector.standard === 'obie'
        ? await link.authorisationUrl(bank, consent.bankConsentId, pending.link, pending.state)
        : (consent.scaRedirectUrl ?? null);
    const connection = await this.o.db.connection.create({
      data: {
        id,
        psuId,
        bankId,
        status: ConnectionStatus.AwaitingAuthorisation,
        createdAt: now,
        updatedAt: now,
        consentExpiresAt: expiresAt,
        secret: this.seal(id, {
          kind: 'pending',
          bankConsentId: consent.bankConsentId,
          ...(pending ? { link: pending.link } : {}),
        }),
      },
    });
    return {
      connection,
      bankConsentId: consent.bankConsentId,
      authorisationUrl,
      state: pending?.state ?? null,
    };
  }

  /**
   * The PSU is back from the bank at our callback. The state must be the one this
   * connection was started with, and is spent on first use. OBIE: the code is exchanged
   * (with the PKCE verifier); Berlin Group: the consent status is read. A refusal ends the
   * connection Rejected; an unusable bank answer ends it Failed, with nothing kept.
   */
  async finish(params: URLSearchParams, call: CallOptions = {}): Promise<LinkOutcome> {
    const { connectionId, key } = this.o.link?.readState(params.get('state')) ?? {};
    const row = connectionId
      ? await this.o.db.connection.findUnique({ where: { id: connectionId } })
      : null;
    const secret = row?.secret ? this.open(row) : undefined;
    if (
      !row ||
      secret?.kind !== 'pending' ||
      !secret.link ||
      !this.o.link?.stateMatches(secret.link, key)
    ) {
      if (row && row.status !== ConnectionStatus.AwaitingAuthorisation && connectionId) {
        throw conflict('This bank authorisation was already used', { reason: 'state_used' });
      }
      throw badInput('The state does not belong to a connection waiting for its bank', {
        reason: 'state_invalid',
      });
    }
    const claimed = await this.o.db.connection.updateMany({
      where: { id: row.id, status: ConnectionStatus.AwaitingAuthorisation },
      data: { status: ConnectionStatus.Completing, updatedAt: this.o.clock.now() },
    });
    if (claimed.count !== 1) {
      throw conflict('This bank authorisation was already used', { reason: 'state_used' });
    }
    const bank = this.o.banks.get(row.bankId);
    const link = secret.link;
    try {
      const answer = this.o.link!.bankAnswer(bank, params);
      if (answer.refused) {
        const ended = await this.end(row, ConnectionStatus.Rejected);
        return linkOutcome(ended, link, {
          code: 'access_denied',
          message: `The PSU did not approve at bank ${row.bankId}`,
        });
      }
      countBankCall(row.bankId, 'token');
      const session = await bank.connector.completeAuthorisation(
        {
          bankConsentId: secret.bankConsentId,
          ...(answer.code ? { code: answer.code } : {}),
          codeVerifier: link.codeVerifier,
          redirectUri: link.redirectUri,
        },
        call,
      );
      countBankCall(row.bankId, 'accounts');
      const accounts = await bank.connector.listAccounts(session, call);
      const active = await this.activate(row, session, accounts, ConnectionStatus.Completing);
      return linkOutcome(active, link);
    } catch (error) {
      if (!isAppError(error)) {
        await this.end(row, ConnectionStatus.Failed);
        throw error;
      }
      const refused =
        error.details['reason'] === 'consent_not_authorised' &&
        error.details['problem'] === 'Rejected';
      const ended = await this.end(
        row,
        refused ? ConnectionStatus.Rejected : ConnectionStatus.Failed,
      );
      return linkOutcome(ended, link, failureOf(error, refused));
    }
  }

  /** Ends a connection that will not become Active: its pending secret goes with it. */
  private async end(row: ConnectionRow, status: ConnectionStatus): Promise<ConnectionRow> {
    return this.o.db.connection.update({
      where: { id: row.id },
      data: { status, secret: null, updatedAt: this.o.clock.now() },
    });
  }

  /**
   * Turns the PSU's authorisation into a session, then imports the accounts. A newer
   * connection to the same bank replaces the PSU's older one; account ids stay the same,
   * so consents that selected them keep working.
   */
  async complete(
    psuId: string,
    connectionId: string,
    input: CompleteInput,
    call: CallOptions = {},
  ): Promise<ConnectionRow> {
    const row = await this.owned(psuId, connectionId);
    const secret = this.open(row);
    if (row.status !== ConnectionStatus.AwaitingAuthorisation || secret.kind !== 'pending') {
      throw conflict(`The connection is ${row.status}, not waiting for authorisation`);
    }
    const bank = this.o.banks.get(row.bankId);
    const code = input.authorisationCode ?? undefined;
    if (bank.definition.standard === 'obie' && !code) {
      throw badInput('An OBIE bank connection needs the authorisation code', {
        bankId: row.bankId,
      });
    }
    countBankCall(row.bankId, 'token');
    const session = await bank.connector.completeAuthorisation(
      {
        bankConsentId: secret.bankConsentId,
        code,
        ...(secret.link
          ? { codeVerifier: secret.link.codeVerifier, redirectUri: secret.link.redirectUri }
          : {}),
      },
      call,
    );
    countBankCall(row.bankId, 'accounts');
    const accounts = await bank.connector.listAccounts(session, call);
    return this.activate(row, session, accounts, ConnectionStatus.AwaitingAuthorisation);
  }

  async disconnect(psuId: string, connectionId: string): Promise<ConnectionRow> {
    const row = await this.owned(psuId, connectionId);
    // The sealed session goes with it: nothing is kept that could still reach the bank.
    return this.o.db.connection.update({
      where: { id: row.id },
      data: { status: ConnectionStatus.Disconnected, secret: null, updatedAt: this.o.clock.now() },
    });
  }

  list(psuId: string): Promise<ConnectionRow[]> {
    return this.o.db.connection.findMany({ where: { psuId }, orderBy: { createdAt: 'asc' } });
  }

  async byIds(ids: readonly string[]): Promise<(ConnectionRow | null)[]> {
    const rows = await this.o.db.connection.findMany({ where: { id: { in: [...ids] } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * The usable session of an Active connection, refreshed first when it is about to end,
   * or when `refresh` says the bank has just refused it.
   */
  async session(
    connectionId: string,
    call: CallOptions = {},
    refresh = false,
  ): Promise<BankSession> {
    const row = await this.o.db.connection.findUnique({ where: { id: connectionId } });
    if (!row || row.status !== ConnectionStatus.Active || !row.secret) {
      throw reconnect(row?.bankId ?? 'unknown', 'the connection is not active');
    }
    const secret = this.open(row);
    if (secret.kind !== 'session') throw reconnect(row.bankId, 'the connection has no session');
    const due =
      refresh ||
      (row.sessionExpiresAt &&
        this.o.clock.now().getTime() >= row.sessionExpiresAt.getTime() - refreshLeadMs);
    if (!due) return secret.session;
    // One refresh per connection at a time: banks that rotate refresh tokens would refuse
    // the second of two racing refreshes.
    let refreshing = this.refreshing.get(row.id);
    if (!refreshing) {
      refreshing = this.refresh(row, secret.session, call).finally(() =>
        this.refreshing.delete(row.id),
      );
      this.refreshing.set(row.id, refreshing);
    }
    return refreshing;
  }

  /** Re-seals every value sealed under a rotated-out key with the current key. */
  async resealStale(): Promise<number> {
    let count = 0;
    for (const row of await this.o.db.connection.findMany({ where: { secret: { not: null } } })) {
      if (!row.secret || !this.o.box.isStale(row.secret)) continue;
      await this.o.db.connection.update({
        where: { id: row.id },
        data: { secret: this.seal(row.id, this.open(row)) },
      });
      count++;
    }
    for (const a of await this.o.db.account.findMany()) {
      const stale = [a.bankAccountRef, a.identificationSecret].some(
        (v) => v !== null && this.o.box.isStale(v),
      );
      if (!stale) continue;
      const bankAccountId = openBankAccountId(this.o.box, a.id, a.bankAccountRef);
      const identification = a.identificationSecret
        ? openIdentification(this.o.box, a.id, a.identificationSecret)
        : undefined;
      const sealed = sealAccount(this.o.box, a.id, bankAccountId, identification);
      await this.o.db.account.update({ where: { id: a.id }, data: sealed });
      count++;
    }
    return count;
  }

  private async refresh(
    row: ConnectionRow,
    session: BankSession,
    call: CallOptions,
  ): Promise<BankSession> {
    const bank = this.o.banks.get(row.bankId);
    let refreshed: BankSession;
    try {
      countBankCall(row.bankId, 'token');
      refreshed = await bank.connector.refreshSession(session, call);
    } catch (error) {
      if (isAppError(error) && error.details['reason'] === 'consent_invalid') {
        await this.markForReauthorisation(row);
      }
      throw error;
    }
    const stillEnded =
      refreshed.expiresAt && Date.parse(refreshed.expiresAt) <= this.o.clock.now().getTime();
    if (stillEnded) {
      // Berlin Group: the consent itself has reached validUntil; only the PSU can renew it.
      await this.markForReauthorisation(row);
      throw reconnect(row.bankId, 'the bank consent has expired');
    }
    await this.o.db.connection.update({
      where: { id: row.id },
      data: {
        secret: this.seal(row.id, { kind: 'session', session: refreshed }),
        sessionExpiresAt: refreshed.expiresAt ? new Date(refreshed.expiresAt) : null,
        updatedAt: this.o.clock.now(),
      },
    });
    return refreshed;
  }

  private async markForReauthorisation(row: ConnectionRow): Promise<void> {
    const now = this.o.clock.now();
    await this.o.db.$transaction(async (tx) => {
      const { count } = await tx.connection.updateMany({
        where: { id: row.id, status: ConnectionStatus.Active },
        data: { status: ConnectionStatus.ReauthorisationRequired, updatedAt: now },
      });
      // Whoever changed the status first wrote the event.
      if (count !== 1) return;
      const accounts = await tx.account.findMany({
        where: { connectionId: row.id },
        select: { id: true },
      });
      await tx.outboxEvent.create({
        data: outboxEvents.connectionReauthorisationRequired(
          {
            connectionId: row.id,
            psuId: row.psuId,
            bankId: row.bankId,
            accountIds: accounts.map((a) => a.id),
          },
          now,
        ),
      });
    });
  }

  private async activate(
    row: ConnectionRow,
    session: BankSession,
    accounts: BankAccount[],
    from: ConnectionStatus,
  ): Promise<ConnectionRow> {
    const now = this.o.clock.now();
    const { db, box } = this.o;
    return db.$transaction(async (tx) => {
      const { count } = await tx.connection.updateMany({
        where: { id: row.id, status: from },
        data: {
          status: ConnectionStatus.Active,
          secret: this.seal(row.id, { kind: 'session', session }),
          sessionExpiresAt: session.expiresAt ? new Date(session.expiresAt) : null,
          // Berlin Group: validUntil is the bank's word on the consent, which may be sooner.
          ...(session.standard === 'berlin-group' && session.expiresAt
            ? { consentExpiresAt: new Date(session.expiresAt) }
            : {}),
          updatedAt: now,
        },
      });
      if (count !== 1) throw conflict('The connection changed meanwhile; read it again');
      await tx.connection.updateMany({
        where: {
          psuId: row.psuId,
          bankId: row.bankId,
          status: { in: [ConnectionStatus.Active, ConnectionStatus.ReauthorisationRequired] },
          id: { not: row.id },
        },
        data: { status: ConnectionStatus.Replaced, secret: null, updatedAt: now },
      });
      for (const a of accounts) {
        const id = accountIdOf(row.psuId, row.bankId, a.bankAccountId);
        const fields = {
          connectionId: row.id,
          accountType: a.accountType,
          accountSubType: a.accountSubType ?? null,
          currency: a.currency,
          nickname: a.nickname ?? null,
          identificationScheme: a.identification?.scheme ?? null,
          ...sealAccount(box, id, a.bankAccountId, a.identification),
        };
        await tx.account.upsert({
          where: { id },
          create: { id, psuId: row.psuId, bankId: row.bankId, createdAt: now, ...fields },
          update: fields,
        });
      }
      return tx.connection.findUniqueOrThrow({ where: { id: row.id } });
    });
  }

  private async owned(psuId: string, connectionId: string): Promise<ConnectionRow> {
    const row = await this.o.db.connection.findUnique({ where: { id: connectionId } });
    if (!row || row.psuId !== psuId) throw notFound('No such connection');
    return row;
  }

  private seal(connectionId: string, secret: ConnectionSecret): string {
    return this.o.box.seal(JSON.stringify(secret), `connection:${connectionId}`);
  }

  private open(row: ConnectionRow): ConnectionSecret {
    if (!row.secret) throw reconnect(row.bankId, 'the connection holds no credentials');
    return JSON.parse(this.o.box.open(row.secret, `connection:${row.id}`)) as ConnectionSecret;
  }
}

function failureOf(error: AppError, refused: boolean) {
  if (refused) return { code: 'access_denied', message: error.message };
  const reason = typeof error.details['reason'] === 'string' ? error.details['reason'] : undefined;
  return { code: error.code, message: error.message, ...(reason ? { reason } : {}) };
}

function reconnect(bankId: string, why: string) {
  return bankUnavailable(`Bank ${bankId}: ${why}; the PSU must connect the bank again`, {
    bankId,
    reason: 'consent_invalid',
  });
}
