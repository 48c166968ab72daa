import type { z } from 'zod';
import { badInput, isAppError } from '../../../../shared/errors/index.js';
import type { AppError } from '../../../../shared/errors/index.js';
import type {
  AuthorisationResult,
  BankAccount,
  BankBalance,
  BankConsent,
  BankSession,
  BankTransaction,
  CallOptions,
  ConsentRequest,
  Connector,
  TransactionQuery,
} from '../connector.js';
import { bankUnavailable, malformedResponse } from '../../../../shared/bank-http/errors.js';
import { BankHttpClient } from '../../../../shared/bank-http/client.js';
import type { BankHttpClientOptions } from '../../../../shared/bank-http/client.js';
import { mapEntries } from '../entries.js';
import type { EntryKind, OnSkippedEntry } from '../entries.js';
import { withIds } from '../normalize.js';
import { collectPages } from '../paging.js';
import { psuIpAddress } from '../psu.js';
import {
  obieAuthorisationUrl,
  type AuthorisationRequest,
} from '../../../../shared/bank-auth/obie-authorisation.js';
import { obieSchemas, tokenResponse } from './schemas.js';
import type { ObieSchemas, ObieVersion } from './schemas.js';

export interface ObieConnectorOptions {
  bankId: string;
  version: ObieVersion;
  /** The bank's origin, plus a path prefix if it has one; API paths are added to it. */
  baseUrl: string;
  clientId: string;
  /** Sent as client_secret_post. (FAPI private_key_jwt / mTLS are not done here.) */
  clientSecret?: string;
  /** Defaults to {baseUrl}/oauth/token. */
  tokenUrl?: string;
  redirectUri?: string;
  /** Stop following Links.Next after this many pages. Default 200. */
  maxPages?: number;
  /** Told of each list entry left out (always counted in ledgergraph_bank_entries_skipped_total). */
  onSkippedEntry?: OnSkippedEntry;
  http?: Omit<BankHttpClientOptions, 'bankId' | 'standard'>;
}

const basePath: Record<ObieVersion, string> = {
  '3.1.11': '/open-banking/v3.1/aisp',
  '4.0': '/open-banking/v4.0/aisp',
};

/**
 * UK Open Banking Read/Write AIS, v3.1.11 or v4.0. Balances and transactions use the bulk
 * endpoints (/balances, /transactions) so N accounts cost one logical call, following every
 * Links.Next page; results are filtered to the accounts asked for.
 */
export class ObieConnector implements Connector {
  readonly standard = 'obie' as const;
  readonly bankId: string;
  readonly http: BankHttpClient;
  private readonly bankUrl: URL;
  private readonly apiUrl: string;
  private readonly tokenUrl: URL;
  private readonly schemas: ObieSchemas;
  private readonly maxPages: number;

  constructor(private readonly options: ObieConnectorOptions) {
    this.bankId = options.bankId;
    this.bankUrl = new URL(options.baseUrl);
    this.apiUrl = options.baseUrl.replace(/\/+$/, '') + basePath[options.version];
    this.tokenUrl = new URL(
      options.tokenUrl ?? `${options.baseUrl.replace(/\/+$/, '')}/oauth/token`,
    );
    this.schemas = obieSchemas[options.version];
    this.maxPages = options.maxPages ?? 200;
    this.http = new BankHttpClient({ ...options.http, bankId: options.bankId, standard: 'obie' });
  }

  async createConsent(request: ConsentRequest, options: CallOptions = {}): Promise<BankConsent> {
    const token = await this.token(
      { grant_type: 'client_credentials', scope: 'accounts' },
      options,
    );
    const response = await this.http.request(
      {
        method: 'POST',
        url: new URL(`${this.apiUrl}/account-access-consents`),
        endpoint: 'POST /account-access-consents',
        headers: this.headers(token.access_token, options),
        json: {
          Data: {
            Permissions: request.permissions,
            ExpirationDateTime: request.expiresAt,
            TransactionFromDateTime: request.transactionsFrom,
            TransactionToDateTime: request.transactionsTo,
          },
          Risk: {},
        },
        signal: options.signal,
      },
      this.schemas.consent,
    );
    return response.body;
  }

  async completeAuthorisation(
    result: AuthorisationResult,
    options: CallOptions = {},
  ): Promise<BankSession> {
    if (!result.code) {
      throw badInput('An OBIE authorisation needs the code the bank returned', {
        bankId: this.bankId,
      });
    }
    const form: Record<string, string> = { grant_type: 'authorization_code', code: result.code };
    const redirectUri = result.redirectUri ?? this.options.redirectUri;
    if (redirectUri) form['redirect_uri'] = redirectUri;
    if (result.codeVerifier) form['code_verifier'] = result.codeVerifier;
    return this.sessionFrom(await this.token(form, options), result.bankConsentId);
  }

  /**
   * The bank's authorization endpoint with a signed request object (FAPI: PS256, PKCE S256,
   * the consent as openbanking_intent_id). `sign` holds the TPP's key; the connector only
   * knows the wire format.
   */
  async authorisationUrl(
    request: AuthorisationRequest,
    sign: (claims: Record<string, unknown>) => Promise<string>,
  ): Promise<string> {
    return obieAuthorisationUrl(this.bankUrl, this.options.clientId, request, sign);
  }

  async refreshSession(session: BankSession, options: CallOptions = {}): Promise<BankSession> {
    if (!session.refreshToken) {
      throw bankUnavailable(`Bank ${this.bankId}: no refresh token; the PSU must re-authorise`, {
        bankId: this.bankId,
        reason: 'consent_invalid',
      });
    }
    const token = await this.token(
      { grant_type: 'refresh_token', refresh_token: session.refreshToken },
      options,
    ).catch((error: unknown) => {
      // invalid_grant: the refresh token or its consent has ended; only the PSU can fix that.
      if (isAppError(error) && hasCode(error, 'invalid_grant')) {
        throw bankUnavailable(`Bank ${this.bankId}: refresh refused; the PSU must re-authorise`, {
          bankId: this.bankId,
          reason: 'consent_invalid',
          bankErrorCodes: ['invalid_grant'],
        });
      }
      throw error;
    });
    const refreshed = this.sessionFrom(token, session.bankConsentId);
    // Banks that do not rotate refresh tokens omit it; the old one stays valid.
    return { ...refreshed, refreshToken: refreshed.refreshToken ?? session.refreshToken };
  }

  async listAccounts(session: BankSession, options: CallOptions = {}): Promise<BankAccount[]> {
    const endpoint = 'GET /accounts';
    const pages = await this.pages(endpoint, '/accounts', this.schemas.accounts, session, options);
    const { schema, map } = this.schemas.account;
    const context = this.entryContext(endpoint, 'account');
    return pages.flatMap((page) => mapEntries(page.Data.Account, schema, map, context));
  }

  async getBalances(
    session: BankSession,
    bankAccountIds: readonly string[],
    options: CallOptions = {},
  ): Promise<BankBalance[]> {
    if (bankAccountIds.length === 0) return [];
    const wanted = new Set(bankAccountIds);
    const endpoint = 'GET /balances';
    const pages = await this.pages(endpoint, '/balances', this.schemas.balances, session, options);
    const { schema, map } = this.schemas.balance;
    const context = this.entryContext(endpoint, 'balance');
    return pages
      .flatMap((page) => mapEntries(page.Data.Balance, schema, map, context))
      .filter((b) => wanted.has(b.bankAccountId));
  }

  async getTransactions(
    session: BankSession,
    query: TransactionQuery,
    options: CallOptions = {},
  ): Promise<BankTransaction[]> {
    if (query.bankAccountIds.length === 0) return [];
    const wanted = new Set(query.bankAccountIds);
    const path =
      `/transactions?fromBookingDateTime=${bookingDateTime(query.from, this.bankId)}` +
      `&toBookingDateTime=${bookingDateTime(query.to, this.bankId)}`;
    const endpoint = 'GET /transactions';
    const pages = await this.pages(endpoint, path, this.schemas.transactions, session, options);
    const { schema, map } = this.schemas.transaction;
    const context = this.entryContext(endpoint, 'transaction');
    const drafts = pages
      .flatMap((page) => mapEntries(page.Data.Transaction, schema, map, context))
      .filter((t) => wanted.has(t.bankAccountId));
    return withIds(drafts);
  }

  private async pages<P extends { Links?: { Next?: string }; Meta?: { TotalPages?: number } }>(
    endpoint: string,
    path: string,
    schema: z.ZodType<P>,
    session: BankSession,
    options: CallOptions,
  ): Promise<P[]> {
    const headers = this.headers(this.accessToken(session), options);
    const pages = await collectPages({
      bankId: this.bankId,
      endpoint,
      bankUrl: this.bankUrl,
      first: new URL(`${this.apiUrl}${path}`),
      fetchPage: async (url) =>
        (
          await this.http.request(
            { method: 'GET', url, endpoint, headers, signal: options.signal },
            schema,
          )
        ).body,
      nextOf: (page) => page.Links?.Next,
      maxPages: this.maxPages,
    });
    // A bank that announces more pages than its links lead to has lost some of the list.
    const announced = pages[0]?.Meta?.TotalPages;
    if (announced !== undefined && announced > 0 && announced !== pages.length) {
      throw malformedResponse(
        this.bankId,
        endpoint,
        `Meta.TotalPages says ${announced} but the links led to ${pages.length}`,
      );
    }
    return pages;
  }

  private entryContext(endpoint: string, kind: EntryKind) {
    return { bankId: this.bankId, endpoint, kind, onSkipped: this.options.onSkippedEntry };
  }

  private async token(form: Record<string, string>, options: CallOptions) {
    const credentials: Record<string, string> = { client_id: this.options.clientId };
    if (this.options.clientSecret) credentials['client_secret'] = this.options.clientSecret;
    const response = await this.http.request(
      {
        method: 'POST',
        url: this.tokenUrl,
        endpoint: 'POST /oauth/token',
        form: { ...form, ...credentials },
        signal: options.signal,
      },
      tokenResponse,
    );
    return response.body;
  }

  private sessionFrom(token: z.infer<typeof tokenResponse>, bankConsentId: string): BankSession {
    const now = this.http.now();
    return {
      standard: 'obie',
      bankConsentId,
      accessToken: token.access_token,
      refreshToken: token.refresh_token,
      expiresAt:
        token.expires_in === undefined
          ? undefined
          : new Date(now + token.expires_in * 1000).toISOString(),
    };
  }

  private accessToken(session: BankSession): string {
    if (session.standard !== 'obie' || !session.accessToken) {
      throw bankUnavailable(`Bank ${this.bankId}: the session holds no OBIE access token`, {
        bankId: this.bankId,
        reason: 'consent_invalid',
      });
    }
    return session.accessToken;
  }

  private headers(accessToken: string, options: CallOptions): Record<string, string> {
    const headers: Record<string, string> = { authorization: `Bearer ${accessToken}` };
    const ip = psuIpAddress(options, this.bankId);
    if (ip) headers['x-fapi-customer-ip-address'] = ip;
    return headers;
  }
}

/** OBIE wants UTC date-times without a zone in the query ("2024-01-31T00:00:00"). */
function bookingDateTime(value: string, bankId: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badInput(`Not a date-time: ${value}`, { bankId });
  return new Date(ms).toISOString().slice(0, 19);
}

function hasCode(error: AppError, code: string): boolean {
  const codes = error.details['bankErrorCodes'];
  return Array.isArray(codes) && codes.includes(code);
}
