import { randomUUID } from 'node:crypto';
import { parseDateTime } from '../../shared/dates.js';
import { formatDateTime } from '../data/format.js';
import { isRecord, parseJsonBody, type ApiRequest, type Reply } from '../http.js';
import {
  absolute,
  isExpired,
  requireToken,
  type AccessConsent,
  type ObieContext,
} from './context.js';
import { obieError } from './errors.js';
import type { CodeBinding } from '../login/sessions.js';
import { validatePermissions } from './permissions.js';

/** POST, GET and DELETE {aisBase}/account-access-consents. */
export function createAccessConsent(ctx: ObieContext, req: ApiRequest): Reply {
  const auth = requireToken(ctx, req, 'accounts');
  if (!auth.ok) return auth.reply;
  const parsed = parseJsonBody(req);
  if (!parsed.ok) {
    return obieError(ctx.dialect, 400, { code: 'Resource.InvalidFormat', message: parsed.message });
  }
  const data = isRecord(parsed.value) ? parsed.value.Data : undefined;
  if (!isRecord(data)) {
    return obieError(ctx.dialect, 400, {
      code: 'Field.Missing',
      message: 'Data is required',
      path: 'Data',
    });
  }
  const permissions = validatePermissions(data.Permissions);
  if (!permissions.ok) return obieError(ctx.dialect, 400, permissions.detail);
  // OBReadConsent1 requires Risk, as the payment consents do (it may be empty).
  if (!isRecord(parsed.value) || !isRecord(parsed.value.Risk)) {
    return obieError(ctx.dialect, 400, {
      code: 'Field.Missing',
      message: 'Risk is required',
      path: 'Risk',
    });
  }
  const dates: Partial<Record<'expiresAt' | 'transactionsFrom' | 'transactionsTo', number>> = {};
  const fields = {
    expiresAt: 'ExpirationDateTime',
    transactionsFrom: 'TransactionFromDateTime',
    transactionsTo: 'TransactionToDateTime',
  } as const;
  for (const [key, field] of Object.entries(fields) as Array<[keyof typeof fields, string]>) {
    const raw = data[field];
    if (raw === undefined) continue;
    const time = typeof raw === 'string' ? parseDateTime(raw, { withoutOffset: 'utc' }) : undefined;
    if (time === undefined) {
      return obieError(ctx.dialect, 400, {
        code: 'Field.InvalidDate',
        message: `${field} is not an ISO 8601 date-time`,
        path: `Data.${field}`,
      });
    }
    dates[key] = time;
  }
  const now = ctx.now();
  if (dates.expiresAt !== undefined && dates.expiresAt <= now) {
    return obieError(ctx.dialect, 400, {
      code: 'Field.InvalidDate',
      message: 'ExpirationDateTime must be in the future',
      path: 'Data.ExpirationDateTime',
    });
  }
  if (
    dates.transactionsFrom !== undefined &&
    dates.transactionsTo !== undefined &&
    dates.transactionsFrom > dates.transactionsTo
  ) {
    return obieError(ctx.dialect, 400, {
      code: 'Field.InvalidDate',
      message: 'TransactionFromDateTime is after TransactionToDateTime',
      path: 'Data.TransactionFromDateTime',
    });
  }
  const consent: AccessConsent = {
    consentId: `aac-${randomUUID()}`,
    createdAt: now,
    state: 'awaiting',
    stateChangedAt: now,
    permissions: permissions.permissions,
    ...dates,
    accountIds: [],
  };
  ctx.accessConsents.set(consent.consentId, consent);
  return { status: 201, body: consentBody(ctx, req, consent) };
}

export function getAccessConsent(ctx: ObieContext, req: ApiRequest): Reply {
  const auth = requireToken(ctx, req, 'accounts');
  if (!auth.ok) return auth.reply;
  const consent = ctx.accessConsents.get(req.params.ConsentId ?? '');
  if (!consent) return consentNotFound(ctx);
  return { status: 200, body: consentBody(ctx, req, consent) };
}

export function deleteAccessConsent(ctx: ObieContext, req: ApiRequest): Reply {
  const auth = requireToken(ctx, req, 'accounts');
  if (!auth.ok) return auth.reply;
  const consent = ctx.accessConsents.get(req.params.ConsentId ?? '');
  if (!consent) return consentNotFound(ctx);
  if (consent.state !== 'revoked') {
    consent.state = 'revoked';
    consent.stateChangedAt = ctx.now();
    ctx.accessConsents.set(consent.consentId, consent);
  }
  return { status: 204 };
}

function consentNotFound(ctx: ObieContext): Reply {
  return obieError(ctx.dialect, 400, {
    code: 'Resource.NotFound',
    message: 'Consent not found',
    path: 'ConsentId',
  });
}

function consentBody(ctx: ObieContext, req: ApiRequest, consent: AccessConsent): unknown {
  const data: Record<string, unknown> = {
    ConsentId: consent.consentId,
    CreationDateTime: formatDateTime(consent.createdAt),
    Status: ctx.dialect.consentStatus(consent.state, isExpired(ctx, consent)),
    StatusUpdateDateTime: formatDateTime(consent.stateChangedAt),
    Permissions: consent.permissions,
  };
  if (consent.expiresAt !== undefined) data.ExpirationDateTime = formatDateTime(consent.expiresAt);
  if (consent.transactionsFrom !== undefined) {
    data.TransactionFromDateTime = formatDateTime(consent.transactionsFrom);
  }
  if (consent.transactionsTo !== undefined) {
    data.TransactionToDateTime = formatDateTime(consent.transactionsTo);
  }
  return {
    Data: data,
    Risk: {},
    Links: {
      Self: absolute(req, `${ctx.dialect.aisBase}/account-access-consents/${consent.consentId}`),
    },
    Meta: { TotalPages: 1 },
  };
}

export interface AuthoriseRequest {
  consentId: string;
  psu: string;
  accountIds?: string[];
  decision: 'approve' | 'reject';
  binding?: CodeBinding;
}

export type AuthoriseOutcome =
  { ok: true; status: string; code?: string } | { ok: false; message: string };

/** The PSU's login at the bank: picks accounts and approves or rejects the consent. */
export function authoriseAccessConsent(
  ctx: ObieContext,
  consent: AccessConsent,
  request: AuthoriseRequest,
): AuthoriseOutcome {
  if (consent.state !== 'awaiting') {
    return { ok: false, message: `consent is ${ctx.dialect.consentStatus(consent.state, false)}` };
  }
  const own = ctx.data.accountsOf(request.psu).map((a) => a.accountId);
  const chosen = request.accountIds ?? own;
  const foreign = chosen.filter((id) => !own.includes(id));
  if (foreign.length > 0)
    return { ok: false, message: `not ${request.psu}'s accounts: ${foreign.join(', ')}` };
  consent.stateChangedAt = ctx.now();
  if (request.decision === 'reject') {
    consent.state = 'rejected';
    ctx.accessConsents.set(consent.consentId, consent);
    return { ok: true, status: ctx.dialect.consentStatus('rejected', false) };
  }
  consent.state = 'authorised';
  consent.psu = request.psu;
  consent.accountIds = [...chosen];
  ctx.accessConsents.set(consent.consentId, consent);
  const code = ctx.tokens.issueCode(consent.consentId, 'accounts', request.binding);
  return { ok: true, status: ctx.dialect.consentStatus('authorised', false), code };
}
