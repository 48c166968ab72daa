import {
  startSandboxBank,
  type SandboxBank,
  type SandboxBankOptions,
} from '../../src/sandbox/index.js';

/** History ends here; the bank clock starts the same morning. Tests never read the real clock. */
export const ANCHOR_DATE = '2025-06-01';
export const START_TIME = Date.parse('2025-06-01T09:00:00Z');

export class TestClock {
  constructor(public time = START_TIME) {}
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

export function startBank(
  options: Partial<SandboxBankOptions> & Pick<SandboxBankOptions, 'standard'>,
  clock: TestClock = new TestClock(),
): Promise<SandboxBank> {
  return startSandboxBank({
    id: options.standard === 'obie' ? 'obie-bank' : 'bg-bank',
    seed: 42,
    anchorDate: ANCHOR_DATE,
    now: clock.now,
    ...options,
  });
}

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

/** fetch that reads the body once and parses JSON when it can. */
export async function http<T = unknown>(
  url: string,
  init: RequestInit = {},
): Promise<HttpResult<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: body as T };
}

export function postJson<T = unknown>(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult<T>> {
  return http<T>(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export function postForm<T = unknown>(
  url: string,
  form: Record<string, string>,
): Promise<HttpResult<T>> {
  return http<T>(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

export interface PsuAccount {
  accountId: string;
  product: 'current' | 'savings';
  iban: string;
  sortCode?: string;
  accountNumber?: string;
}

export async function psuAccounts(bank: SandboxBank, psu: string): Promise<PsuAccount[]> {
  const res = await http<Array<{ username: string; accounts: PsuAccount[] }>>(
    `${bank.url}/__sandbox/psus`,
  );
  const found = res.body.find((p) => p.username === psu);
  if (!found) throw new Error(`no psu ${psu}`);
  return found.accounts;
}

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  token_type: string;
}

export async function clientToken(bank: SandboxBank, scope = 'accounts payments'): Promise<string> {
  const res = await postForm<TokenResponse>(`${bank.url}/oauth/token`, {
    grant_type: 'client_credentials',
    scope,
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`);
  return res.body.access_token;
}

export function authorise(
  bank: SandboxBank,
  body: Record<string, unknown>,
): Promise<
  HttpResult<{
    code?: string;
    status?: string;
    consentStatus?: string;
    transactionStatus?: string;
    error?: string;
  }>
> {
  return postJson(`${bank.url}/__sandbox/authorise`, body);
}

export const allTransactionPermissions = [
  'ReadAccountsDetail',
  'ReadBalances',
  'ReadTransactionsDetail',
  'ReadTransactionsCredits',
  'ReadTransactionsDebits',
];

export interface ObieSession {
  consentId: string;
  accessToken: string;
  refreshToken: string;
  base: string;
  headers: Record<string, string>;
}

/** Consent → PSU login at the bank → code → PSU token, the whole OBIE AIS dance. */
export async function obieSession(
  bank: SandboxBank,
  options: {
    version?: '3.1.11' | '4.0';
    permissions?: string[];
    psu?: string;
    accountIds?: string[];
    data?: Record<string, unknown>;
  } = {},
): Promise<ObieSession> {
  const base = `${bank.url}/open-banking/${options.version === '4.0' ? 'v4.0' : 'v3.1'}/aisp`;
  const token = await clientToken(bank, 'accounts');
  const created = await postJson<{ Data: { ConsentId: string } }>(
    `${base}/account-access-consents`,
    {
      Data: { Permissions: options.permissions ?? allTransactionPermissions, ...options.data },
      Risk: {},
    },
    { authorization: `Bearer ${token}` },
  );
  if (created.status !== 201) throw new Error(`consent: ${created.status} ${created.text}`);
  const consentId = created.body.Data.ConsentId;
  const approved = await authorise(bank, {
    consentId,
    psu: options.psu ?? 'alice',
    accountIds: options.accountIds,
  });
  if (approved.status !== 200 || !approved.body.code)
    throw new Error(`authorise: ${approved.text}`);
  const tokens = await postForm<TokenResponse>(`${bank.url}/oauth/token`, {
    grant_type: 'authorization_code',
    code: approved.body.code,
  });
  if (tokens.status !== 200) throw new Error(`code exchange: ${tokens.text}`);
  return {
    consentId,
    accessToken: tokens.body.access_token,
    refreshToken: tokens.body.refresh_token ?? '',
    base,
    headers: { authorization: `Bearer ${tokens.body.access_token}` },
  };
}

let requestCounter = 0;

export function bgHeaders(extra: Record<string, string> = {}): Record<string, string> {
  requestCounter++;
  return {
    'X-Request-ID': `00000000-0000-4000-8000-${String(requestCounter).padStart(12, '0')}`,
    ...extra,
  };
}

/** Creates (and by default authorises) a Berlin Group consent; returns its id. */
export async function bgConsent(
  bank: SandboxBank,
  options: {
    access?: Record<string, unknown>;
    frequencyPerDay?: number;
    validUntil?: string;
    psu?: string;
    accountIds?: string[];
    authorise?: boolean;
  } = {},
): Promise<string> {
  const created = await postJson<{ consentId: string }>(
    `${bank.url}/v1/consents`,
    {
      access: options.access ?? { allPsd2: 'allAccounts' },
      recurringIndicator: true,
      validUntil: options.validUntil ?? '2025-12-31',
      frequencyPerDay: options.frequencyPerDay ?? 4,
      combinedServiceIndicator: false,
    },
    bgHeaders({ 'PSU-ID': options.psu ?? 'alice' }),
  );
  if (created.status !== 201) throw new Error(`bg consent: ${created.status} ${created.text}`);
  if (options.authorise !== false) {
    const approved = await authorise(bank, {
      consentId: created.body.consentId,
      psu: options.psu ?? 'alice',
      accountIds: options.accountIds,
    });
    if (approved.status !== 200) throw new Error(`bg authorise: ${approved.text}`);
  }
  return created.body.consentId;
}

/** Follows Links.Next (OBIE) or transactions._links.next (BG) to the end. */
export async function followPages<T>(
  first: string,
  headers: () => Record<string, string>,
  read: (body: unknown) => { items: T[]; next?: string },
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let url: string | undefined = first;
  let pages = 0;
  while (url) {
    const res: HttpResult = await http(url, { headers: headers() });
    if (res.status !== 200) throw new Error(`page ${pages + 1}: ${res.status} ${res.text}`);
    const page = read(res.body);
    items.push(...page.items);
    url = page.next;
    pages++;
    if (pages > 10_000) throw new Error('paging does not end');
  }
  return { items, pages };
}
