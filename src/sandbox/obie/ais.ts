import { parseDateTime } from '../../shared/dates.js';
import type { LedgerEntry, SandboxAccount } from '../data/model.js';
import type { ApiRequest, Reply } from '../http.js';
import { pageUrl, readPage, slicePage, type Page } from '../paging.js';
import { formatDateTime } from '../data/format.js';
import {
  isExpired,
  requireToken,
  type AccessConsent,
  type Guarded,
  type ObieContext,
} from './context.js';
import { obieError } from './errors.js';
import { accessView, type AccessView } from './permissions.js';
import { accountResource, balanceResources, transactionResource } from './resources.js';

interface Access {
  consent: AccessConsent;
  view: AccessView;
}

/** A data call needs a PSU token whose consent is authorised and unexpired. */
function requireConsent(ctx: ObieContext, req: ApiRequest): Guarded<Access> {
  const auth = requireToken(ctx, req, 'accounts');
  if (!auth.ok) return auth;
  const consent = auth.value.consentId ? ctx.accessConsents.get(auth.value.consentId) : undefined;
  if (!consent) {
    return forbidden(
      ctx,
      'Resource.InvalidConsentStatus',
      'Access token is not bound to an account-access consent',
    );
  }
  if (consent.state !== 'authorised') {
    const status = ctx.dialect.consentStatus(consent.state, false);
    return forbidden(ctx, 'Resource.InvalidConsentStatus', `Consent is ${status}`);
  }
  if (isExpired(ctx, consent)) {
    return forbidden(ctx, 'Resource.InvalidConsentStatus', 'Consent has expired');
  }
  return { ok: true, value: { consent, view: accessView(consent.permissions) } };
}

function forbidden(
  ctx: ObieContext,
  code: 'Resource.InvalidConsentStatus' | 'Resource.NotFound' | 'Resource.ConsentMismatch',
  message: string,
): { ok: false; reply: Reply } {
  return { ok: false, reply: obieError(ctx.dialect, 403, { code, message }) };
}

/** Unknown and unconsented accounts look the same, so ids cannot be probed. */
function consentedAccount(
  ctx: ObieContext,
  access: Access,
  req: ApiRequest,
): Guarded<SandboxAccount> {
  const id = req.params.AccountId ?? '';
  const account = access.consent.accountIds.includes(id) ? ctx.data.account(id) : undefined;
  if (!account) return forbidden(ctx, 'Resource.NotFound', 'Account not found under this consent');
  return { ok: true, value: account };
}

function consentedAccounts(ctx: ObieContext, access: Access): SandboxAccount[] {
  return ctx.data.accounts.filter((a) => access.consent.accountIds.includes(a.accountId));
}

/** The bulk endpoints read every consented account; the per-account ones the one named. */
function accountsInScope(
  ctx: ObieContext,
  access: Access,
  req: ApiRequest,
): Guarded<SandboxAccount[]> {
  if (req.params.AccountId === undefined)
    return { ok: true, value: consentedAccounts(ctx, access) };
  const account = consentedAccount(ctx, access, req);
  return account.ok ? { ok: true, value: [account.value] } : account;
}

function envelope(
  req: ApiRequest,
  data: unknown,
  page?: Page<unknown>,
  meta: object = {},
): unknown {
  const links: Record<string, string> = { Self: req.url.href };
  if (page) {
    links.First = pageUrl(req.url, 1);
    if (page.page > 1) links.Prev = pageUrl(req.url, page.page - 1);
    if (page.page < page.totalPages) links.Next = pageUrl(req.url, page.page + 1);
    links.Last = pageUrl(req.url, page.totalPages);
  }
  return { Data: data, Links: links, Meta: { TotalPages: page?.totalPages ?? 1, ...meta } };
}

export function getAccounts(ctx: ObieContext, req: ApiRequest): Reply {
  const access = requireConsent(ctx, req);
  if (!access.ok) return access.reply;
  const accounts = consentedAccounts(ctx, access.value).map((a) =>
    accountResource(ctx.dialect, a, access.value.view),
  );
  return { status: 200, body: envelope(req, { Account: accounts }) };
}

export function getAccount(ctx: ObieContext, req: ApiRequest): Reply {
  const access = requireConsent(ctx, req);
  if (!access.ok) return access.reply;
  const account = consentedAccount(ctx, access.value, req);
  if (!account.ok) return account.reply;
  const resource = accountResource(ctx.dialect, account.value, access.value.view);
  return { status: 200, body: envelope(req, { Account: [resource] }) };
}

export function getBalances(ctx: ObieContext, req: ApiRequest): Reply {
  const access = requireConsent(ctx, req);
  if (!access.ok) return access.reply;
  if (!access.value.view.balances) {
    return obieError(ctx.dialect, 403, {
      code: 'Resource.ConsentMismatch',
      message: 'Consent does not include ReadBalances',
    });
  }
  const scope = accountsInScope(ctx, access.value, req);
  if (!scope.ok) return scope.reply;
  const accounts = scope.value;
  const balances = accounts.flatMap((a) =>
    balanceResources(ctx.dialect, a, ctx.data.ledger(a.accountId), ctx.data.historyEnd),
  );
  return { status: 200, body: envelope(req, { Balance: balances }) };
}

export function getTransactions(ctx: ObieContext, req: ApiRequest): Reply {
  const access = requireConsent(ctx, req);
  if (!access.ok) return access.reply;
  const { view, consent } = access.value;
  if (!view.transactions) {
    return obieError(ctx.dialect, 403, {
      code: 'Resource.ConsentMismatch',
      message: 'Consent does not include ReadTransactionsBasic or ReadTransactionsDetail',
    });
  }
  const scope = accountsInScope(ctx, access.value, req);
  if (!scope.ok) return scope.reply;
  const accounts = scope.value;
  const window = bookingWindow(ctx, req, consent);
  if (!window.ok) return window.reply;
  const page = readPage(req.query);
  if (!page.ok)
    return obieError(ctx.dialect, 400, {
      code: 'Field.Invalid',
      message: page.message,
      path: 'page',
    });
  const { credits, debits, detail } = view.transactions;
  const selected = newestFirst(ctx, accounts).filter(
    ({ entry }) =>
      entry.bookingTime >= window.value.from &&
      entry.bookingTime <= window.value.to &&
      (entry.amountMinor >= 0 ? credits : debits),
  );
  const sliced = slicePage(selected, page.page, ctx.pageSize);
  if (!sliced.ok)
    return obieError(ctx.dialect, 400, {
      code: 'Field.Invalid',
      message: sliced.message,
      path: 'page',
    });
  const transactions = sliced.value.items.map(({ account, entry }) =>
    transactionResource(ctx.dialect, account, entry, detail),
  );
  const meta = {
    FirstAvailableDateTime: formatDateTime(ctx.data.historyStart),
    LastAvailableDateTime: formatDateTime(ctx.data.historyEnd),
  };
  return { status: 200, body: envelope(req, { Transaction: transactions }, sliced.value, meta) };
}

interface Posting {
  account: SandboxAccount;
  entry: LedgerEntry;
}

const mergedCache = new WeakMap<ObieContext, Map<string, Posting[]>>();

/** Newest first, ties by id: one total order, so pages never overlap or skip. */
function newestFirst(ctx: ObieContext, accounts: readonly SandboxAccount[]): Posting[] {
  const key = `${ctx.data.version}:${accounts.map((a) => a.accountId).join(',')}`;
  let cache = mergedCache.get(ctx);
  if (!cache) mergedCache.set(ctx, (cache = new Map()));
  const cached = cache.get(key);
  if (cached) return cached;
  const postings = accounts.flatMap((account) =>
    ctx.data.ledger(account.accountId).entries.map((entry) => ({ account, entry })),
  );
  postings.sort(
    (a, b) =>
      b.entry.bookingTime - a.entry.bookingTime ||
      (a.entry.transactionId < b.entry.transactionId ? -1 : 1),
  );
  if (cache.size > 32) cache.clear();
  cache.set(key, postings);
  return postings;
}

/**
 * The query's from/to narrowed to the consent's transaction window. The spec says a
 * timezone in the query is ignored and a bare date means 00:00:00.
 */
function bookingWindow(
  ctx: ObieContext,
  req: ApiRequest,
  consent: AccessConsent,
): Guarded<{ from: number; to: number }> {
  let from = consent.transactionsFrom ?? Number.NEGATIVE_INFINITY;
  let to = consent.transactionsTo ?? Number.POSITIVE_INFINITY;
  for (const [param, apply] of [
    ['fromBookingDateTime', (t: number) => (from = Math.max(from, t))],
    ['toBookingDateTime', (t: number) => (to = Math.min(to, t))],
  ] as const) {
    const raw = req.query.get(param);
    if (raw === null) continue;
    const time = parseQueryDateTime(raw);
    if (time === undefined) {
      return {
        ok: false,
        reply: obieError(ctx.dialect, 400, {
          code: 'Field.InvalidDate',
          message: `${param} is not an ISO 8601 date-time`,
          path: param,
        }),
      };
    }
    apply(time);
  }
  return { ok: true, value: { from, to } };
}

/** The date and time as written, read as UTC; a day or hour that does not exist is refused. */
function parseQueryDateTime(raw: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(:\d{2})?(\.\d+)?)?/.exec(raw);
  if (!match) return undefined;
  const local = `${match[1]}T${match[2] ?? '00:00'}${match[3] ?? ':00'}${match[4] ?? ''}`;
  return parseDateTime(local, { withoutOffset: 'utc' });
}
