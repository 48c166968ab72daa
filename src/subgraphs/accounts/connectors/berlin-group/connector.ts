import { isIP } from 'node:net';
import { badInput } from '../../../../shared/errors/index.js';
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
import { bankUnavailable } from '../../../../shared/bank-http/errors.js';
import { BankHttpClient } from '../../../../shared/bank-http/client.js';
import type { BankHttpClientOptions } from '../../../../shared/bank-http/client.js';
import { mapEntries } from '../entries.js';
import type { EntryContext, EntryKind, OnSkippedEntry } from '../entries.js';
import { withIds } from '../normalize.js';
import type { TransactionDraft } from '../normalize.js';
import { collectPages } from '../paging.js';
import { headerValue, psuIpAddress } from '../psu.js';
import {
  addressable,
  consentStatus,
  fromAccount,
  fromBalance,
  fromTransaction,
} from './mappers.js';
import { account, balance, berlinGroupSchemas as schemas, transaction } from './schemas.js';

export interface BerlinGroupConnectorOptions {
  bankId: string;
  /** The bank's origin, plus a path prefix if it has one; /v1/... is added to it. */
  baseUrl: string;
  /**
   * Consent creation requires PSU-IP-Address; when the PSU's is not known, the spec says to
   * send the TPP's own. Without either the header is left out.
   */
  tppIpAddress?: string;
  /** Stop following _links.next after this many pages per account. Default 200. */
  maxPages?: number;
  /** Accounts whose transactions are fetched at the same time. Default 4. */
  concurrency?: number;
  /** Told of each list entry left out (always counted in ledgergraph_bank_entries_skipped_total). */
  onSkippedEntry?: OnSkippedEntry;
  http?: Omit<BankHttpClientOptions, 'bankId' | 'standard'>;
}

/**
 * Berlin Group NextGenPSD2 1.3.12 AIS. Balances: one GET /v1/accounts?withBalance=true for
 * all accounts; only accounts the bank returned without balances (withBalance "might be
 * ignored by the ASPSP") cost a further GET /v1/accounts/{id}/balances each. Transactions: the
 * standard has no bulk endpoint, so one paged GET per account (bookingStatus=both).
 */
export class BerlinGroupConnector implements Connector {
  readonly standard = 'berlin-group' as const;
  readonly bankId: string;
  readonly http: BankHttpClient;
  private readonly bankUrl: URL;
  private readonly apiUrl: string;
  private readonly maxPages: number;
  private readonly concurrency: number;

  constructor(private readonly options: BerlinGroupConnectorOptions) {
    this.bankId = options.bankId;
    this.bankUrl = new URL(options.baseUrl);
    this.apiUrl = `${options.baseUrl.replace(/\/+$/, '')}/v1`;
    this.maxPages = options.maxPages ?? 200;
    this.concurrency = options.concurrency ?? 4;
    if (options.tppIpAddress !== undefined && isIP(options.tppIpAddress) === 0) {
      throw new Error('tppIpAddress must be an IPv4 or IPv6 address');
    }
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new Error('concurrency must be an integer >= 1');
    }
    this.http = new BankHttpClient({
      ...options.http,
      bankId: options.bankId,
      standard: 'berlin-group',
    });
  }

  async createConsent(request: ConsentRequest, options: CallOptions = {}): Promise<BankConsent> {
    const headers: Record<string, string> = {};
    if (request.psuId) headers['PSU-ID'] = headerValue('psuId', request.psuId, this.bankId);
    const ip = psuIpAddress(options, this.bankId) ?? this.options.tppIpAddress;
    if (ip) headers['PSU-IP-Address'] = ip;
    if (request.redirectUri) {
      // SCA by redirect: the bank's page sends the PSU back here, approved or not.
      headers['TPP-Redirect-Preferred'] = 'true';
      headers['TPP-Redirect-URI'] = request.redirectUri;
      headers['TPP-Nok-Redirect-URI'] = request.redirectUri;
    }
    const frequencyPerDay = request.frequencyPerDay ?? 4;
    if (!Number.isInteger(frequencyPerDay) || frequencyPerDay < 1) {
      throw badInput('frequencyPerDay must be an integer >= 1', { bankId: this.bankId });
    }
    const response = await this.http.request(
      {
        method: 'POST',
        url: new URL(`${this.apiUrl}/consents`),
        endpoint: 'POST /v1/consents',
        headers,
        json: {
          access: { allPsd2: 'allAccounts' },
          recurringIndicator: true,
          validUntil: calendarDate(request.expiresAt, this.bankId),
          frequencyPerDay,
          combinedServiceIndicator: false,
        },
        signal: options.signal,
      },
      schemas.consentCreated,
    );
    const { consentId, consentStatus: status, _links: links } = response.body;
    return {
      bankConsentId: consentId,
      status: consentStatus[status],
      scaRedirectUrl: links?.scaRedirect?.href,
    };
  }

  /** The consent id is the credential; we only check the PSU really authorised it. */
  async completeAuthorisation(
    result: AuthorisationResult,
    options: CallOptions = {},
  ): Promise<BankSession> {
    const consentId = encodeURIComponent(result.bankConsentId);
    const response = await this.http.request(
      {
        method: 'GET',
        url: new URL(`${this.apiUrl}/consents/${consentId}`),
        endpoint: 'GET /v1/consents/{consentId}',
        headers: this.psuHeaders(options),
        signal: options.signal,
      },
      schemas.consentInformation,
    );
    const status = consentStatus[response.body.consentStatus];
    if (status !== 'Authorised') {
      throw bankUnavailable(`Bank ${this.bankId}: consent is ${status}, not authorised`, {
        bankId: this.bankId,
        reason: 'consent_not_authorised',
        problem: status,
      });
    }
    return {
      standard: 'berlin-group',
      bankConsentId: result.bankConsentId,
      // validUntil is the last day the consent may be used.
      expiresAt: new Date(`${response.body.validUntil}T23:59:59.999Z`).toISOString(),
    };
  }

  async refreshSession(session: BankSession): Promise<BankSession> {
    return session;
  }

  async listAccounts(session: BankSession, options: CallOptions = {}): Promise<BankAccount[]> {
    const list = await this.accountList(session, false, options);
    return mapEntries(
      list.accounts,
      account,
      fromAccount,
      this.entries(accountsEndpoint, 'account'),
    );
  }

  async getBalances(
    session: BankSession,
    bankAccountIds: readonly string[],
    options: CallOptions = {},
  ): Promise<BankBalance[]> {
    if (bankAccountIds.length === 0) return [];
    const wanted = new Set(bankAccountIds);
    const list = await this.accountList(session, true, options);
    const fetchedAt = new Date(this.http.now()).toISOString();
    const accounts = mapEntries(
      list.accounts,
      account,
      addressable,
      this.entries(accountsEndpoint, 'account'),
    ).filter((a) => wanted.has(a.resourceId));
    const perAccount = await mapLimit(accounts, this.concurrency, async (a) => {
      const [endpoint, balances] = a.balances
        ? [accountsEndpoint, a.balances]
        : [balancesEndpoint, await this.accountBalances(session, a.resourceId, options)];
      return mapEntries(
        balances,
        balance,
        (b) => fromBalance(a.resourceId, b, fetchedAt),
        this.entries(endpoint, 'balance'),
      );
    });
    return perAccount.flat();
  }

  async getTransactions(
    session: BankSession,
    query: TransactionQuery,
    options: CallOptions = {},
  ): Promise<BankTransaction[]> {
    const dateFrom = calendarDate(query.from, this.bankId);
    const dateTo = calendarDate(query.to, this.bankId);
    const fetchDay = new Date(this.http.now()).toISOString().slice(0, 10);
    const perAccount = await mapLimit(query.bankAccountIds, this.concurrency, (id) =>
      this.accountTransactions(session, id, { dateFrom, dateTo, fetchDay }, options),
    );
    return withIds(perAccount.flat());
  }

  private async accountTransactions(
    session: BankSession,
    bankAccountId: string,
    days: { dateFrom: string; dateTo: string; fetchDay: string },
    options: CallOptions,
  ): Promise<TransactionDraft[]> {
    const { dateFrom, dateTo, fetchDay } = days;
    const endpoint = 'GET /v1/accounts/{account-id}/transactions';
    const headers = this.consentHeaders(session, options);
    const first = new URL(
      `${this.apiUrl}/accounts/${encodeURIComponent(bankAccountId)}/transactions`,
    );
    first.search = new URLSearchParams({ dateFrom, dateTo, bookingStatus: 'both' }).toString();
    const pages = await collectPages({
      bankId: this.bankId,
      endpoint,
      bankUrl: this.bankUrl,
      first,
      fetchPage: async (url) =>
        (
          await this.http.request(
            { method: 'GET', url, endpoint, headers, signal: options.signal },
            schemas.transactions,
          )
        ).body,
      nextOf: (page) => page.transactions?._links?.next?.href,
      maxPages: this.maxPages,
    });
    const context = this.entries(endpoint, 'transaction');
    const add = (list: unknown[] | undefined, status: 'Booked' | 'Pending') =>
      mapEntries(
        list,
        transaction,
        (t) => fromTransaction(bankAccountId, t, status, fetchDay),
        context,
      );
    return pages.flatMap((page) => [
      ...add(page.transactions?.booked, 'Booked'),
      ...add(page.transactions?.pending, 'Pending'),
    ]);
  }

  private async accountList(session: BankSession, withBalance: boolean, options: CallOptions) {
    const url = new URL(`${this.apiUrl}/accounts`);
    if (withBalance) url.searchParams.set('withBalance', 'true');
    const response = await this.http.request(
      {
        method: 'GET',
        url,
        endpoint: accountsEndpoint,
        headers: this.consentHeaders(session, options),
        signal: options.signal,
      },
      schemas.accountList,
    );
    return response.body;
  }

  private async accountBalances(session: BankSession, bankAccountId: string, options: CallOptions) {
    const id = encodeURIComponent(bankAccountId);
    const response = await this.http.request(
      {
        method: 'GET',
        url: new URL(`${this.apiUrl}/accounts/${id}/balances`),
        endpoint: balancesEndpoint,
        headers: this.consentHeaders(session, options),
        signal: options.signal,
      },
      schemas.balances,
    );
    return response.body.balances;
  }

  private entries(endpoint: string, kind: EntryKind): EntryContext {
    return { bankId: this.bankId, endpoint, kind, onSkipped: this.options.onSkippedEntry };
  }

  private consentHeaders(session: BankSession, options: CallOptions): Record<string, string> {
    if (session.standard !== 'berlin-group' || !session.bankConsentId) {
      throw bankUnavailable(`Bank ${this.bankId}: the session holds no Berlin Group consent`, {
        bankId: this.bankId,
        reason: 'consent_invalid',
      });
    }
    return { 'Consent-ID': session.bankConsentId, ...this.psuHeaders(options) };
  }

  /** PSU-IP-Address only when the PSU is really there: it marks the read as PSU-initiated. */
  private psuHeaders(options: CallOptions): Record<string, string> {
    const ip = psuIpAddress(options, this.bankId);
    return ip ? { 'PSU-IP-Address': ip } : {};
  }
}

const accountsEndpoint = 'GET /v1/accounts';
const balancesEndpoint = 'GET /v1/accounts/{account-id}/balances';

function calendarDate(value: string, bankId: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badInput(`Not a date or date-time: ${value}`, { bankId });
  return new Date(ms).toISOString().slice(0, 10);
}

/** Like Promise.all over items, with at most `limit` running at once. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    // Once one item has failed the whole call fails, so stop starting new bank calls.
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
