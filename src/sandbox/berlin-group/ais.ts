import { isCalendarDate } from '../../shared/dates.js';
import type { Ledger, LedgerEntry, SandboxAccount } from '../data/model.js';
import { header, type ApiRequest, type Reply } from '../http.js';
import { pageUrl, readPage, slicePage, PAGE_PARAM } from '../paging.js';
import {
  fail,
  requireConsent,
  today,
  type AccountSets,
  type BgConsent,
  type BgContext,
  type Guarded,
} from './context.js';
import { bgError } from './errors.js';
import {
  accountDetails,
  accountReference,
  balances,
  transaction,
  type AccountGrant,
} from './resources.js';

/**
 * Unattended reads (no PSU-IP-Address) are limited per day. Later pages of one listing
 * belong to the read that fetched the first page and are not counted again.
 */
function withinFrequency(
  ctx: BgContext,
  req: ApiRequest,
  consent: BgConsent,
  key: string,
): Reply | undefined {
  if (header(req, 'psu-ip-address')) return undefined;
  const page = req.query.get(PAGE_PARAM);
  if (page !== null && page !== '1') return undefined;
  if (ctx.frequency.consume(consent.consentId, key, today(ctx), consent.frequencyPerDay))
    return undefined;
  return bgError(
    429,
    'ACCESS_EXCEEDED',
    `Unattended access limit of ${consent.frequencyPerDay} per day reached for this account`,
  );
}

function grantOf(consent: BgConsent, accountId: string): AccountGrant {
  return {
    balances: consent.granted.balances.has(accountId),
    transactions: consent.granted.transactions.has(accountId),
    ownerName: consent.withOwnerName,
  };
}

/** Another PSU's account is as unknown as a made-up id; a known one not granted is refused. */
function grantedAccount(
  ctx: BgContext,
  consent: BgConsent,
  req: ApiRequest,
  need: keyof AccountSets,
): Guarded<SandboxAccount> {
  const account = ctx.data.account(req.params['account-id'] ?? '');
  if (!account || account.psu !== consent.psu) {
    return fail(bgError(404, 'RESOURCE_UNKNOWN', 'Account is not known'));
  }
  const listOnly =
    consent.mode === 'available-accounts' || consent.mode === 'available-accounts-with-balance';
  if ((need === 'accounts' && listOnly) || !consent.granted[need].has(account.accountId)) {
    return fail(bgError(401, 'CONSENT_INVALID', `Consent does not cover ${need} of this account`));
  }
  return { ok: true, value: account };
}

function balancesOf(ctx: BgContext, account: SandboxAccount): Array<Record<string, unknown>> {
  return balances(account, ctx.data.ledger(account.accountId), ctx.data.historyEnd);
}

export function getAccountList(ctx: BgContext, req: ApiRequest): Reply {
  const consent = requireConsent(ctx, req);
  if (!consent.ok) return consent.reply;
  const limited = withinFrequency(ctx, req, consent.value, '(account list)');
  if (limited) return limited;
  const withBalance = req.query.get('withBalance') === 'true';
  const accounts = ctx.data.accounts
    .filter((a) => consent.value.granted.accounts.has(a.accountId))
    .map((a) => {
      const grant = grantOf(consent.value, a.accountId);
      return accountDetails(
        req.url.origin,
        a,
        grant,
        withBalance && grant.balances ? balancesOf(ctx, a) : undefined,
      );
    });
  return { status: 200, body: { accounts } };
}

export function getAccountDetails(ctx: BgContext, req: ApiRequest): Reply {
  const consent = requireConsent(ctx, req);
  if (!consent.ok) return consent.reply;
  const account = grantedAccount(ctx, consent.value, req, 'accounts');
  if (!account.ok) return account.reply;
  const limited = withinFrequency(ctx, req, consent.value, account.value.accountId);
  if (limited) return limited;
  const grant = grantOf(consent.value, account.value.accountId);
  const withBalance = req.query.get('withBalance') === 'true' && grant.balances;
  const details = accountDetails(
    req.url.origin,
    account.value,
    grant,
    withBalance ? balancesOf(ctx, account.value) : undefined,
  );
  return { status: 200, body: { account: details } };
}

export function getAccountBalances(ctx: BgContext, req: ApiRequest): Reply {
  const consent = requireConsent(ctx, req);
  if (!consent.ok) return consent.reply;
  const account = grantedAccount(ctx, consent.value, req, 'balances');
  if (!account.ok) return account.reply;
  const limited = withinFrequency(ctx, req, consent.value, account.value.accountId);
  if (limited) return limited;
  return {
    status: 200,
    body: { account: accountReference(account.value), balances: balancesOf(ctx, account.value) },
  };
}

type BookingStatus = 'booked' | 'pending' | 'both';

export function getTransactionList(ctx: BgContext, req: ApiRequest): Reply {
  const consent = requireConsent(ctx, req);
  if (!consent.ok) return consent.reply;
  const account = grantedAccount(ctx, consent.value, req, 'transactions');
  if (!account.ok) return account.reply;
  const query = readTransactionQuery(req);
  if (!query.ok) return query.reply;
  const page = readPage(req.query);
  if (!page.ok) return bgError(400, 'FORMAT_ERROR', page.message, { path: PAGE_PARAM });
  const { status, dateFrom, dateTo } = query.value;
  const inWindow = (date: string): boolean =>
    date >= dateFrom && (dateTo === undefined || date <= dateTo);
  const selected = pendingThenBookedNewestFirst(ctx, account.value).filter((entry) =>
    entry.status === 'booked'
      ? status !== 'pending' && inWindow(isoDate(entry.bookingTime))
      : status !== 'booked' && inWindow(isoDate(entry.valueTime)),
  );
  const sliced = slicePage(selected, page.page, ctx.pageSize);
  if (!sliced.ok) return bgError(400, 'FORMAT_ERROR', sliced.message, { path: PAGE_PARAM });
  const limited = withinFrequency(ctx, req, consent.value, account.value.accountId);
  if (limited) return limited;

  const { items, totalPages } = sliced.value;
  const report: Record<string, unknown> = {};
  if (status !== 'pending') {
    report.booked = items
      .filter((e) => e.status === 'booked')
      .map((e) => transaction(account.value, e));
  }
  if (status !== 'booked') {
    report.pending = items
      .filter((e) => e.status === 'pending')
      .map((e) => transaction(account.value, e));
  }
  const links: Record<string, { href: string }> = {
    account: { href: `${req.url.origin}/v1/accounts/${account.value.accountId}` },
    first: { href: pageUrl(req.url, 1) },
  };
  if (page.page > 1) links.previous = { href: pageUrl(req.url, page.page - 1) };
  if (page.page < totalPages) links.next = { href: pageUrl(req.url, page.page + 1) };
  links.last = { href: pageUrl(req.url, totalPages) };
  report._links = links;
  const body: Record<string, unknown> = {
    account: accountReference(account.value),
    transactions: report,
  };
  if (
    req.query.get('withBalance') === 'true' &&
    consent.value.granted.balances.has(account.value.accountId)
  ) {
    body.balances = balancesOf(ctx, account.value);
  }
  return { status: 200, body };
}

function readTransactionQuery(
  req: ApiRequest,
): Guarded<{ status: BookingStatus; dateFrom: string; dateTo?: string }> {
  const raw = req.query.get('bookingStatus');
  if (raw === null)
    return fail(
      bgError(400, 'FORMAT_ERROR', 'bookingStatus is required', { path: 'bookingStatus' }),
    );
  const status: BookingStatus | undefined =
    raw === 'booked' || raw === 'pending' || raw === 'both'
      ? raw
      : raw === 'all'
        ? 'both'
        : undefined;
  if (!status) {
    return fail(
      bgError(400, 'PARAMETER_NOT_SUPPORTED', `bookingStatus ${raw} is not supported`, {
        path: 'bookingStatus',
      }),
    );
  }
  for (const unsupported of ['deltaList', 'entryReferenceFrom']) {
    if (req.query.has(unsupported)) {
      return fail(
        bgError(400, 'PARAMETER_NOT_SUPPORTED', `${unsupported} is not supported`, {
          path: unsupported,
        }),
      );
    }
  }
  const dateFrom = req.query.get('dateFrom');
  const dateTo = req.query.get('dateTo') ?? undefined;
  if (dateFrom === null)
    return fail(bgError(400, 'FORMAT_ERROR', 'dateFrom is required', { path: 'dateFrom' }));
  for (const [name, value] of [
    ['dateFrom', dateFrom],
    ['dateTo', dateTo],
  ] as const) {
    if (value !== undefined && !isCalendarDate(value)) {
      return fail(bgError(400, 'FORMAT_ERROR', `${name} must be an ISO date`, { path: name }));
    }
  }
  if (dateTo !== undefined && dateTo < dateFrom) {
    return fail(bgError(400, 'PERIOD_INVALID', 'dateTo is before dateFrom', { path: 'dateTo' }));
  }
  return { ok: true, value: { status, dateFrom, dateTo } };
}

function isoDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

const orderCache = new WeakMap<Ledger, LedgerEntry[]>();

/** One total order for paging: pending first, then booked, newest first within each. */
function pendingThenBookedNewestFirst(ctx: BgContext, account: SandboxAccount): LedgerEntry[] {
  const ledger = ctx.data.ledger(account.accountId);
  const cached = orderCache.get(ledger);
  if (cached) return cached;
  const entries = [...ledger.entries].reverse();
  const ordered = [
    ...entries.filter((e) => e.status === 'pending'),
    ...entries.filter((e) => e.status === 'booked'),
  ];
  orderCache.set(ledger, ordered);
  return ordered;
}
