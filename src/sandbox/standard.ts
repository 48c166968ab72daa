import type { ApiRequest, Reply, Router } from './http.js';
import type { ApprovalSubject } from './login/pages.js';
import type { CodeBinding } from './login/sessions.js';

/** What the server needs from one standard (OBIE or Berlin Group) to run a bank. */
export interface StandardApi {
  router: Router;
  contentType: string;
  /** The standard's error body for a bare status: unknown routes, injected faults. */
  errorReply(status: number, message: string, headers?: Readonly<Record<string, string>>): Reply;
  /** Correlation headers every answer carries (x-fapi-interaction-id, X-Request-ID). */
  responseHeaders(req: ApiRequest): Record<string, string>;
  /** POST /__sandbox/authorise: the PSU logs in at the bank and approves. */
  authorise(body: unknown): Reply;
  /** The login pages: what a consent or payment awaiting the PSU asks for; else undefined. */
  describe(id: string): ApprovalSubject | undefined;
  /** The PSU's decision on the bank's approval page (OBIE: an approval yields a code). */
  decide(request: AdminAuthoriseBody): DecideOutcome;
}

export type DecideOutcome =
  { ok: true; status: string; code?: string } | { ok: false; message: string };

export interface AdminAuthoriseBody {
  consentId?: string;
  paymentId?: string;
  psu: string;
  accountIds?: string[];
  decision: 'approve' | 'reject';
  /** Set by the login pages only (never read from an admin body): what the code is bound to. */
  binding?: CodeBinding;
}

export type AdminParse = { ok: true; value: AdminAuthoriseBody } | { ok: false; reply: Reply };

export function adminError(status: number, message: string): Reply {
  return { status, body: { error: message } };
}

/** Shape check for the authorise call; each standard then checks the ids it knows. */
export function parseAuthoriseBody(body: unknown): AdminParse {
  if (typeof body !== 'object' || body === null) {
    return { ok: false, reply: adminError(400, 'body must be a JSON object') };
  }
  const input = body as Record<string, unknown>;
  const { consentId, paymentId, psu, accountIds, decision } = input;
  if (typeof psu !== 'string' || psu === '') {
    return { ok: false, reply: adminError(400, 'psu is required') };
  }
  if (consentId !== undefined && typeof consentId !== 'string') {
    return { ok: false, reply: adminError(400, 'consentId must be a string') };
  }
  if (paymentId !== undefined && typeof paymentId !== 'string') {
    return { ok: false, reply: adminError(400, 'paymentId must be a string') };
  }
  if (consentId === undefined && paymentId === undefined) {
    return { ok: false, reply: adminError(400, 'consentId (or paymentId) is required') };
  }
  if (
    accountIds !== undefined &&
    (!Array.isArray(accountIds) || !accountIds.every((id) => typeof id === 'string'))
  ) {
    return { ok: false, reply: adminError(400, 'accountIds must be an array of strings') };
  }
  if (decision !== undefined && decision !== 'approve' && decision !== 'reject') {
    return { ok: false, reply: adminError(400, "decision must be 'approve' or 'reject'") };
  }
  return {
    ok: true,
    value: {
      consentId,
      paymentId,
      psu,
      accountIds: accountIds as string[] | undefined,
      decision: decision ?? 'approve',
    },
  };
}
