import { randomUUID } from 'node:crypto';
import { isCalendarDate } from '../../shared/dates.js';
import { header, isRecord, parseJsonBody, type ApiRequest, type Reply } from '../http.js';
import type { AdminAuthoriseBody } from '../standard.js';
import {
  emptySets,
  fail,
  href,
  scaRedirect,
  noticeExpiry,
  today,
  type AccessMode,
  type AccountSets,
  type BgConsent,
  type BgContext,
  type Guarded,
} from './context.js';
import { bgError } from './errors.js';

const listKinds = ['accounts', 'balances', 'transactions'] as const;

/** POST /v1/consents */
export function createConsent(ctx: BgContext, req: ApiRequest): Reply {
  const parsed = parseJsonBody(req);
  if (!parsed.ok) return bgError(400, 'FORMAT_ERROR', parsed.message);
  const body = parsed.value;
  if (!isRecord(body) || !isRecord(body.access)) {
    return bgError(400, 'FORMAT_ERROR', 'access is required', { path: 'access' });
  }
  const access = readAccess(ctx, body.access);
  if (!access.ok) return access.reply;
  const { recurringIndicator, validUntil, frequencyPerDay } = body;
  if (typeof recurringIndicator !== 'boolean') {
    return bgError(400, 'FORMAT_ERROR', 'recurringIndicator must be a boolean', {
      path: 'recurringIndicator',
    });
  }
  if (typeof validUntil !== 'string' || !isCalendarDate(validUntil)) {
    return bgError(400, 'FORMAT_ERROR', 'validUntil must be an ISO date', { path: 'validUntil' });
  }
  if (validUntil < today(ctx)) {
    return bgError(400, 'PERIOD_INVALID', 'validUntil is in the past', { path: 'validUntil' });
  }
  if (
    typeof frequencyPerDay !== 'number' ||
    !Number.isInteger(frequencyPerDay) ||
    frequencyPerDay < 1
  ) {
    return bgError(400, 'FORMAT_ERROR', 'frequencyPerDay must be an integer >= 1', {
      path: 'frequencyPerDay',
    });
  }
  const consent: BgConsent = {
    consentId: randomUUID(),
    status: 'received',
    mode: access.value.mode,
    access: body.access,
    requested: access.value.requested,
    withOwnerName: access.value.withOwnerName,
    recurringIndicator,
    validUntil,
    frequencyPerDay,
    psuId: header(req, 'psu-id'),
    granted: emptySets(),
    lastActionDate: today(ctx),
  };
  ctx.consents.set(consent.consentId, consent);
  const self = `/v1/consents/${consent.consentId}`;
  return {
    status: 201,
    headers: { Location: href(req, self).href, 'ASPSP-SCA-Approach': 'REDIRECT' },
    body: {
      consentStatus: consent.status,
      consentId: consent.consentId,
      _links: {
        scaRedirect: scaRedirect(ctx, req, consent.consentId),
        self: href(req, self),
        status: href(req, `${self}/status`),
      },
    },
  };
}

interface ReadAccess {
  mode: AccessMode;
  requested: AccountSets;
  withOwnerName: boolean;
}

function readAccess(ctx: BgContext, access: Record<string, unknown>): Guarded<ReadAccess> {
  const requested = emptySets();
  const named = { accounts: 0, balances: 0, transactions: 0 };
  for (const kind of listKinds) {
    const list = access[kind];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      return fail(
        bgError(400, 'FORMAT_ERROR', `access.${kind} must be an array`, { path: `access.${kind}` }),
      );
    }
    for (const reference of list) {
      const iban = isRecord(reference) ? reference.iban : undefined;
      const account = typeof iban === 'string' ? ctx.data.accountByIban(iban) : undefined;
      if (!account) {
        return fail(
          bgError(400, 'FORMAT_ERROR', `access.${kind} names an unknown IBAN`, {
            path: `access.${kind}`,
          }),
        );
      }
      requested[kind].add(account.accountId);
      // Balances or transactions on an account imply reading the account itself.
      requested.accounts.add(account.accountId);
      named[kind]++;
    }
  }
  const blanket = (['allPsd2', 'availableAccountsWithBalance', 'availableAccounts'] as const).find(
    (field) => access[field] !== undefined,
  );
  const withOwnerName =
    blanket !== undefined
      ? access[blanket] === 'allAccountsWithOwnerName'
      : isRecord(access.additionalInformation) &&
        Array.isArray(access.additionalInformation.ownerName) &&
        access.additionalInformation.ownerName.length > 0;
  if (blanket) {
    const value = access[blanket];
    if (value !== 'allAccounts' && value !== 'allAccountsWithOwnerName') {
      return fail(
        bgError(400, 'FORMAT_ERROR', `access.${blanket} is invalid`, { path: `access.${blanket}` }),
      );
    }
    const mode: AccessMode =
      blanket === 'allPsd2'
        ? 'all-psd2'
        : blanket === 'availableAccounts'
          ? 'available-accounts'
          : 'available-accounts-with-balance';
    return { ok: true, value: { mode, requested, withOwnerName } };
  }
  const anyNamed = named.accounts + named.balances + named.transactions > 0;
  const anyList = listKinds.some((kind) => Array.isArray(access[kind]));
  if (!anyNamed && !anyList) {
    return fail(bgError(400, 'FORMAT_ERROR', 'access names no accounts', { path: 'access' }));
  }
  return {
    ok: true,
    value: { mode: anyNamed ? 'dedicated' : 'bank-offered', requested, withOwnerName },
  };
}

export function getConsent(ctx: BgContext, req: ApiRequest): Reply {
  const consent = ctx.consents.get(req.params.consentId ?? '');
  if (!consent) return bgError(403, 'CONSENT_UNKNOWN', 'Consent is not known');
  noticeExpiry(ctx, consent);
  return {
    status: 200,
    body: {
      access: consent.access,
      recurringIndicator: consent.recurringIndicator,
      validUntil: consent.validUntil,
      frequencyPerDay: consent.frequencyPerDay,
      lastActionDate: consent.lastActionDate,
      consentStatus: consent.status,
      _links: { account: href(req, '/v1/accounts') },
    },
  };
}

export function getConsentStatus(ctx: BgContext, req: ApiRequest): Reply {
  const consent = ctx.consents.get(req.params.consentId ?? '');
  if (!consent) return bgError(403, 'CONSENT_UNKNOWN', 'Consent is not known');
  noticeExpiry(ctx, consent);
  return { status: 200, body: { consentStatus: consent.status } };
}

export function deleteConsent(ctx: BgContext, req: ApiRequest): Reply {
  const consent = ctx.consents.get(req.params.consentId ?? '');
  if (!consent) return bgError(403, 'CONSENT_UNKNOWN', 'Consent is not known');
  consent.status = 'terminatedByTpp';
  ctx.consents.set(consent.consentId, consent);
  return { status: 204 };
}

export type AuthoriseOutcome = { ok: true; status: string } | { ok: false; message: string };

/** The PSU's approval at the bank: resolves "all accounts" against the PSU's own. */
export function authoriseConsent(
  ctx: BgContext,
  consent: BgConsent,
  request: AdminAuthoriseBody,
): AuthoriseOutcome {
  if (consent.status !== 'received') return { ok: false, message: `consent is ${consent.status}` };
  if (consent.psuId !== undefined && consent.psuId !== request.psu) {
    return { ok: false, message: `consent was requested for PSU-ID ${consent.psuId}` };
  }
  const own = ctx.data.accountsOf(request.psu).map((a) => a.accountId);
  const foreign = [...consent.requested.accounts].filter((id) => !own.includes(id));
  if (foreign.length > 0)
    return { ok: false, message: `not ${request.psu}'s accounts: ${foreign.join(', ')}` };
  if (request.decision === 'reject') {
    consent.status = 'rejected';
    ctx.consents.set(consent.consentId, consent);
    return { ok: true, status: consent.status };
  }
  const chosen = request.accountIds ?? own;
  if (chosen.some((id) => !own.includes(id))) {
    return { ok: false, message: `accountIds must be ${request.psu}'s accounts` };
  }
  const all = new Set(chosen);
  const none = new Set<string>();
  const grants: Record<AccessMode, AccountSets> = {
    dedicated: consent.requested,
    'bank-offered': { accounts: all, balances: all, transactions: all },
    'available-accounts': { accounts: all, balances: none, transactions: none },
    'available-accounts-with-balance': { accounts: all, balances: all, transactions: none },
    'all-psd2': { accounts: all, balances: all, transactions: all },
  };
  consent.granted = grants[consent.mode];
  if (consent.mode === 'bank-offered') {
    const references = chosen.map((id) => ({ iban: ctx.data.account(id)?.iban ?? '' }));
    consent.access = {
      ...consent.access,
      accounts: references,
      balances: references,
      transactions: references,
    };
  }
  consent.psu = request.psu;
  consent.status = 'valid';
  ctx.consents.set(consent.consentId, consent);
  return { ok: true, status: consent.status };
}
