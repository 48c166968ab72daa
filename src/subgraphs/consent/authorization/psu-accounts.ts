import { randomUUID } from 'node:crypto';
import { PlatformScope } from '../../../shared/auth/permissions.ts';
import type { Principal } from '../../../shared/auth/principal.ts';
import {
  internalContextHeader,
  signInternalContext,
} from '../../../shared/auth/internal-context.ts';
import { upstreamUnavailable } from '../../../shared/errors/index.ts';
import type { AccountChoice } from '../pages/consent.ts';

/**
 * What our hosted pages are called where a principal needs a client id (audit records, the
 * accounts service's rate and logs): a label, not a registered client app. No token names it
 * and the token endpoint knows no such client.
 */
export const hostedPagesClientId = 'ledgergraph-hosted-pages';

/**
 * The PSU signed in on our pages, as the consent lifecycle rules and the accounts service
 * know a PSU: acting through the hosted pages, for a minute.
 */
export function psuPrincipal(psuId: string): Principal {
  return {
    kind: 'psu',
    subject: psuId,
    psuId,
    clientId: hostedPagesClientId,
    scopes: [PlatformScope.ConsentsAuthorise],
    tokenId: randomUUID(),
    issuer: 'ledgergraph-consent',
    expiresAt: Math.floor(Date.now() / 1000) + 60,
  };
}

interface Answer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: unknown; reason?: unknown } }[];
}

/** A bank the PSU can link, as the accounts service lists it. */
export interface LinkableBank {
  id: string;
  name: string;
}

/** connectBank's answer: the bank's own login page, or why the accounts service refused. */
export type BankLinkStart =
  | { ok: true; connectionId: string; authorisationUrl: string }
  | { ok: false; code: string; reason?: string };

interface BankLinkRow {
  id: string;
  status: string;
  createdAt: string;
  consentExpiresAt: string | null;
  bank: { name: string } | null;
  accounts: { id: string; nickname: string | null; accountSubType: string | null }[] | null;
}

/** A bank link as the access dashboard shows it. */
export interface BankLink {
  id: string;
  status: string;
  bankName: string;
  createdAt: Date;
  consentExpiresAt: Date | null;
  accounts: string[];
}

interface AccountRow {
  id: string;
  bankId: string;
  nickname: string | null;
  accountSubType: string | null;
  currency: string | null;
}

/**
 * The signed-in PSU's connected accounts (for the consent screen) and bank links (for the
 * access dashboard, which can also unlink one). Only the accounts
 * service knows them, and its internal routes answer questions about given ids, not "which
 * are there": so this asks its GraphQL API the way the gateway does for a PSU signed in to
 * the consent screen (same signed internal context, same rules, an audit record there).
 */
export class PsuAccountLister {
  constructor(
    private readonly o: { accountsGraphqlUrl: string; secret: string; timeoutMs?: number },
  ) {}

  /**
   * The PSU's connected accounts (to pick on the consent screen, to name on the dashboard)
   * and the banks they could link, in one request: both pages show both.
   */
  async choices(
    psuId: string,
    requestId: string,
  ): Promise<{ accounts: AccountChoice[]; banks: LinkableBank[] | null }> {
    const data = await this.ask<{
      accounts?: AccountRow[] | null;
      banks?: LinkableBank[] | null;
    }>(
      psuId,
      requestId,
      '{ accounts { id bankId nickname accountSubType currency } banks { id name } }',
    );
    const rows = data.accounts;
    if (!rows) throw upstreamUnavailable('The accounts service did not answer');
    const names = new Map((data.banks ?? []).map((b) => [b.id, b.name]));
    const accounts = rows
      .map((a) => ({
        id: a.id,
        label: a.nickname ?? a.accountSubType ?? 'Account',
        detail: [names.get(a.bankId) ?? a.bankId, a.accountSubType, a.currency]
          .filter(Boolean)
          .join(' · '),
      }))
      .sort((x, y) => x.detail.localeCompare(y.detail) || x.label.localeCompare(y.label));
    return { accounts, banks: data.banks ?? null };
  }

  /** The PSU's bank links, for the access dashboard (Disconnected ones included: history). */
  async connections(psuId: string, requestId: string): Promise<BankLink[]> {
    const data = await this.ask<{ bankConnections?: BankLinkRow[] | null }>(
      psuId,
      requestId,
      '{ bankConnections { id status createdAt consentExpiresAt bank { name } accounts { id nickname accountSubType } } }',
    );
    if (!data.bankConnections) throw upstreamUnavailable('The accounts service did not answer');
    return data.bankConnections.map((c) => ({
      id: c.id,
      status: c.status,
      bankName: c.bank?.name ?? 'A bank',
      createdAt: new Date(c.createdAt),
      consentExpiresAt: c.consentExpiresAt ? new Date(c.consentExpiresAt) : null,
      accounts: (c.accounts ?? []).map((a) => a.nickname ?? a.accountSubType ?? 'Account'),
    }));
  }

  /**
   * Starts linking a bank as the PSU would through the API (connectBank): the accounts
   * service creates the bank consent, checks `returnUrl` against its allow-list and answers
   * the bank's own login page. Its refusals (no such bank, a return URL it does not allow,
   * a bank that is down) come back as a code for the page to explain.
   */
  async connect(
    psuId: string,
    bankId: string,
    returnUrl: string,
    requestId: string,
  ): Promise<BankLinkStart> {
    const body = await this.post<{
      connectBank?: { connection: { id: string }; authorisationUrl: string | null } | null;
    }>(
      psuId,
      requestId,
      `mutation($bankId: ID!, $returnUrl: String) {
        connectBank(bankId: $bankId, returnUrl: $returnUrl) { connection { id } authorisationUrl }
      }`,
      { bankId, returnUrl },
    );
    const started = body.data?.connectBank;
    if (started?.authorisationUrl) {
      return {
        ok: true,
        connectionId: started.connection.id,
        authorisationUrl: started.authorisationUrl,
      };
    }
    const refusal = body.errors?.[0]?.extensions;
    if (!refusal || typeof refusal.code !== 'string') {
      throw upstreamUnavailable('The accounts service did not answer');
    }
    return {
      ok: false,
      code: refusal.code,
      ...(typeof refusal.reason === 'string' ? { reason: refusal.reason } : {}),
    };
  }

  /**
   * Unlinks a bank as the PSU would through the API: the accounts service checks the link is
   * theirs (NOT_FOUND otherwise), deletes its session and records the call in its audit.
   */
  async disconnect(psuId: string, connectionId: string, requestId: string): Promise<boolean> {
    const data = await this.ask<{ disconnectBank?: { status: string } | null }>(
      psuId,
      requestId,
      'mutation($id: ID!) { disconnectBank(connectionId: $id) { status } }',
      { id: connectionId },
      true,
    );
    return data.disconnectBank?.status === 'Disconnected';
  }

  private async ask<T>(
    psuId: string,
    requestId: string,
    query: string,
    variables: Record<string, unknown> = {},
    /** A mutation's refusal (not the PSU's link) is an answer, not an outage. */
    errorsAnswer = false,
  ): Promise<T> {
    const body = await this.post<T>(psuId, requestId, query, variables);
    if (!body.httpOk || !body.data || (body.errors?.length && !errorsAnswer)) {
      throw upstreamUnavailable('The accounts service did not answer');
    }
    return body.data;
  }

  /** One GraphQL request as the PSU; throws only when no GraphQL answer came back. */
  private async post<T>(
    psuId: string,
    requestId: string,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<Answer<T> & { httpOk: boolean }> {
    const context = await signInternalContext(
      {
        requestId,
        principal: psuPrincipal(psuId),
      },
      'accounts',
      this.o.secret,
    );
    const res = await fetch(this.o.accountsGraphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [internalContextHeader]: context },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 5_000),
    }).catch(() => undefined);
    const body = (await res?.json().catch(() => undefined)) as Answer<T> | undefined;
    if (!res || !body) throw upstreamUnavailable('The accounts service did not answer');
    return { ...body, httpOk: res.ok };
  }
}
