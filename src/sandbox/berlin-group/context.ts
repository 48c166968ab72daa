import type { SandboxBankData } from '../data/bank.js';
import { formatDate } from '../data/format.js';
import { header, type ApiRequest, type Reply } from '../http.js';
import { bgError } from './errors.js';
import type { StateStore } from '../state.js';
import type { FrequencyLimiter } from './frequency.js';
import type { LoginSessions } from '../login/sessions.js';

export type BgConsentStatus =
  'received' | 'rejected' | 'valid' | 'revokedByPsu' | 'expired' | 'terminatedByTpp';

/** How the TPP asked for access; decides what the PSU's approval grants. */
export type AccessMode =
  | 'dedicated'
  | 'bank-offered'
  | 'available-accounts'
  | 'available-accounts-with-balance'
  | 'all-psd2';

export interface AccountSets {
  accounts: Set<string>;
  balances: Set<string>;
  transactions: Set<string>;
}

export interface BgConsent {
  consentId: string;
  status: BgConsentStatus;
  mode: AccessMode;
  /** The access object as sent, echoed on GET (filled in for bank-offered consents). */
  access: Record<string, unknown>;
  requested: AccountSets;
  withOwnerName: boolean;
  recurringIndicator: boolean;
  validUntil: string;
  frequencyPerDay: number;
  psuId?: string;
  psu?: string;
  granted: AccountSets;
  lastActionDate: string;
}

export interface BgPayment {
  paymentId: string;
  product: string;
  request: Record<string, unknown>;
  debtorAccountId: string;
  psuId?: string;
  /** RCVD until the PSU authorises; then the statuses below, one per status read. */
  authorised: boolean;
  stages: readonly string[];
  step: number;
}

export interface BgContext {
  data: SandboxBankData;
  now: () => number;
  pageSize: number;
  consents: StateStore<BgConsent>;
  payments: StateStore<BgPayment>;
  frequency: FrequencyLimiter;
  logins: LoginSessions;
}

export type Guarded<T> = { ok: true; value: T } | { ok: false; reply: Reply };

export function today(ctx: BgContext): string {
  return formatDate(ctx.now());
}

export function emptySets(): AccountSets {
  return { accounts: new Set(), balances: new Set(), transactions: new Set() };
}

/** Every Berlin Group request carries an X-Request-ID. */
export function requireRequestId(req: ApiRequest): Reply | undefined {
  if (header(req, 'x-request-id')) return undefined;
  return bgError(400, 'FORMAT_ERROR', 'X-Request-ID header is required', { path: 'X-Request-ID' });
}

/** Consent-ID must name a valid consent; expiry is noticed here, on first use after it. */
export function requireConsent(ctx: BgContext, req: ApiRequest): Guarded<BgConsent> {
  const consentId = header(req, 'consent-id');
  if (!consentId) {
    return fail(
      bgError(400, 'FORMAT_ERROR', 'Consent-ID header is required', { path: 'Consent-ID' }),
    );
  }
  const consent = ctx.consents.get(consentId);
  if (!consent) return fail(bgError(403, 'CONSENT_UNKNOWN', 'Consent-ID is not known'));
  noticeExpiry(ctx, consent);
  if (consent.status === 'expired') {
    return fail(bgError(401, 'CONSENT_EXPIRED', `Consent expired after ${consent.validUntil}`));
  }
  if (consent.status !== 'valid') {
    return fail(bgError(401, 'CONSENT_INVALID', `Consent status is ${consent.status}`));
  }
  if (consent.lastActionDate !== today(ctx)) {
    consent.lastActionDate = today(ctx);
    ctx.consents.set(consent.consentId, consent);
  }
  return { ok: true, value: consent };
}

/** A valid consent past its validUntil becomes expired when it is next looked at. */
export function noticeExpiry(ctx: BgContext, consent: BgConsent): void {
  if (consent.status === 'valid' && today(ctx) > consent.validUntil) {
    consent.status = 'expired';
    ctx.consents.set(consent.consentId, consent);
  }
}

export function fail(reply: Reply): { ok: false; reply: Reply } {
  return { ok: false, reply };
}

export function href(req: ApiRequest, path: string): { href: string } {
  return { href: `${req.url.origin}${path}` };
}

/**
 * The scaRedirect link: with a TPP-Redirect-URI, the bank's own login page, which sends the
 * PSU back there (or to TPP-Nok-Redirect-URI on refusal); without one, the admin shortcut
 * older sandbox clients use.
 */
export function scaRedirect(ctx: BgContext, req: ApiRequest, targetId: string): { href: string } {
  const redirectUri = httpUrl(header(req, 'tpp-redirect-uri'));
  if (!redirectUri) return href(req, '/__sandbox/authorise');
  const nok = httpUrl(header(req, 'tpp-nok-redirect-uri'));
  const session = ctx.logins.open({
    targetId,
    redirectUri,
    ...(nok ? { nokRedirectUri: nok } : {}),
  });
  return href(req, `/login/${session.id}`);
}

function httpUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
