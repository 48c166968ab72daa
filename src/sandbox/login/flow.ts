import { timingSafeEqual } from 'node:crypto';
import type { SandboxBankData } from '../data/bank.js';
import { header, parseFormBody, Router, type ApiRequest, type Reply } from '../http.js';
import type { StandardApi } from '../standard.js';
import { bankCss } from './assets.js';
import { registerEndpoint, type ClientRegistry } from './clients.js';
import { approvalPage, errorPage, htmlReply, loginPage } from './pages.js';
import { verifyRequestObject } from './request-object.js';
import { token, type LoginSession, type LoginSessions } from './sessions.js';

export interface LoginParts {
  bankName: string;
  standard: 'obie' | 'berlin-group';
  api: StandardApi;
  data: SandboxBankData;
  sessions: LoginSessions;
  clients: ClientRegistry;
  now: () => number;
}

/** Every sandbox PSU's password: their username and "-bank" (documented in the README). */
export const sandboxPsuPassword = (username: string): string => `${username}-bank`;

const cookieName = 'bank_login';

/**
 * The bank's own pages for the PSU: the OBIE authorization endpoint (a signed request
 * object, PKCE S256), login, approval, and the redirect back to the TPP. Berlin Group
 * reaches the same login through the scaRedirect link of a consent or payment. Also the
 * TPP registration. Neither faulted nor counted: they are the PSU's browser's, not the
 * TPP's API.
 */
export function loginRouter(p: LoginParts): Router {
  const router = new Router()
    .add('GET', '/login/assets/bank.css', () => ({
      status: 200,
      headers: {
        'Content-Type': 'text/css; charset=utf-8',
        'Cache-Control': 'public, max-age=3600',
        'X-Content-Type-Options': 'nosniff',
      },
      body: bankCss,
    }))
    .add('POST', '/register', registerEndpoint(p.clients))
    .add('GET', '/login/{session}', (req) => showLogin(p, req))
    .add('POST', '/login/{session}', (req) => submitLogin(p, req))
    .add('GET', '/login/{session}/approve', (req) => showApproval(p, req))
    .add('POST', '/login/{session}/approve', (req) => submitApproval(p, req));
  if (p.standard === 'obie') router.add('GET', '/authorize', (req) => authorize(p, req));
  return router;
}

const problem = (p: LoginParts, status: number, heading: string, message: string): Reply =>
  htmlReply(status, errorPage(p.bankName, heading, message));

/** GET /authorize: OAuth 2.0 / FAPI authorization request by value (request=JWS). */
function authorize(p: LoginParts, req: ApiRequest): Reply {
  const jws = req.query.get('request');
  if (!jws) return problem(p, 400, 'This link is not valid', 'The request object is missing.');
  const check = verifyRequestObject(
    jws,
    { clientId: req.query.get('client_id'), responseType: req.query.get('response_type') },
    p.clients,
    req.url.origin,
    p.now(),
  );
  // Until the request is verified its redirect URI is not trusted: no redirect, a page.
  if (!check.ok) return problem(p, 400, 'This link is not valid', check.reason);
  const request = check.value;
  const subject = p.api.describe(request.intentId);
  if (!subject) {
    return redirectTo(request.redirectUri, {
      error: 'invalid_request',
      error_description: 'openbanking_intent_id is unknown or not awaiting authorisation',
      state: request.state,
      iss: req.url.origin,
    });
  }
  const session = p.sessions.open({
    targetId: request.intentId,
    redirectUri: request.redirectUri,
    state: request.state,
    binding: {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
    },
  });
  return {
    status: 303,
    headers: { Location: `/login/${session.id}`, 'Cache-Control': 'no-store' },
  };
}

function sessionOf(p: LoginParts, req: ApiRequest): LoginSession | undefined {
  return p.sessions.find(req.params.session ?? '');
}

const expired = (p: LoginParts) =>
  problem(p, 404, 'This page has expired', 'The approval request is unknown, used or expired.');

function showLogin(p: LoginParts, req: ApiRequest, error?: string, username?: string): Reply {
  const session = sessionOf(p, req);
  if (!session) return expired(p);
  return htmlReply(
    error ? 401 : 200,
    loginPage({
      bankName: p.bankName,
      action: `/login/${session.id}`,
      formToken: session.formToken,
      clientName: clientName(session),
      ...(error ? { error } : {}),
      ...(username ? { username } : {}),
    }),
  );
}

function submitLogin(p: LoginParts, req: ApiRequest): Reply {
  const session = sessionOf(p, req);
  if (!session) return expired(p);
  const form = parseFormBody(req);
  if (!form.ok || !same(form.value.get('form_token'), session.formToken)) {
    return problem(p, 400, 'This form is not valid', 'Reload the page and try again.');
  }
  const username = form.value.get('username') ?? '';
  const password = form.value.get('password') ?? '';
  if (!p.data.hasPsu(username) || !same(password, sandboxPsuPassword(username))) {
    return showLogin(p, req, 'The username or password is not right.', username);
  }
  session.psu = username;
  session.browserKey = token();
  p.sessions.save(session);
  return {
    status: 303,
    headers: {
      Location: `/login/${session.id}/approve`,
      'Set-Cookie': `${cookieName}=${session.browserKey}; Path=/login/${session.id}; HttpOnly; SameSite=Lax`,
      'Cache-Control': 'no-store',
    },
  };
}

/** The logged-in browser of this session, or a page saying why not. */
function loggedIn(p: LoginParts, req: ApiRequest): { session: LoginSession } | { reply: Reply } {
  const session = sessionOf(p, req);
  if (!session) return { reply: expired(p) };
  const cookie = cookieOf(req, cookieName);
  if (!session.psu || !session.browserKey || !same(cookie, session.browserKey)) {
    return {
      reply: {
        status: 303,
        headers: { Location: `/login/${session.id}`, 'Cache-Control': 'no-store' },
      },
    };
  }
  return { session };
}

function showApproval(p: LoginParts, req: ApiRequest, error?: string): Reply {
  const state = loggedIn(p, req);
  if ('reply' in state) return state.reply;
  const { session } = state;
  const subject = p.api.describe(session.targetId);
  if (!subject) return expired(p);
  const psu = session.psu ?? '';
  return htmlReply(
    error ? 400 : 200,
    approvalPage({
      bankName: p.bankName,
      action: `/login/${session.id}/approve`,
      formToken: session.formToken,
      clientName: clientName(session),
      psuName: p.data.psus.find((x) => x.username === psu)?.displayName ?? psu,
      subject,
      accounts: p.data.accountsOf(psu).map((a) => ({
        accountId: a.accountId,
        label: `${a.product} · ${a.currency} · ${a.iban}`,
      })),
      ...(error ? { error } : {}),
    }),
    new URL(session.redirectUri).origin,
  );
}

function submitApproval(p: LoginParts, req: ApiRequest): Reply {
  const state = loggedIn(p, req);
  if ('reply' in state) return state.reply;
  const { session } = state;
  const form = parseFormBody(req);
  if (!form.ok || !same(form.value.get('form_token'), session.formToken)) {
    return problem(p, 400, 'This form is not valid', 'Reload the page and try again.');
  }
  const decision = form.value.get('decision') === 'approve' ? 'approve' : 'reject';
  const subject = p.api.describe(session.targetId);
  if (!subject) return expired(p);
  const chosen = form.value.getAll('account');
  if (decision === 'approve' && subject.chooseAccounts && chosen.length === 0) {
    return showApproval(p, req, 'Choose at least one account, or deny.');
  }
  const outcome = p.api.decide({
    consentId: session.targetId,
    psu: session.psu ?? '',
    ...(subject.chooseAccounts ? { accountIds: chosen } : {}),
    decision,
    ...(session.binding ? { binding: session.binding } : {}),
  });
  if (!outcome.ok) return problem(p, 400, 'This cannot be approved', outcome.message);
  p.sessions.end(session.id);
  const clear = `${cookieName}=; Path=/login/${session.id}; HttpOnly; SameSite=Lax; Max-Age=0`;
  if (p.standard === 'berlin-group') {
    const target =
      decision === 'approve'
        ? session.redirectUri
        : (session.nokRedirectUri ?? session.redirectUri);
    return redirectTo(target, {}, clear);
  }
  const iss = req.url.origin;
  return redirectTo(
    session.redirectUri,
    decision === 'approve' && outcome.code
      ? { code: outcome.code, state: session.state ?? '', iss }
      : {
          error: 'access_denied',
          error_description: 'The PSU denied the request at the bank',
          state: session.state ?? '',
          iss,
        },
    clear,
  );
}

function redirectTo(uri: string, params: Record<string, string>, cookie?: string): Reply {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return {
    status: 303,
    headers: {
      Location: url.href,
      'Cache-Control': 'no-store',
      ...(cookie ? { 'Set-Cookie': cookie } : {}),
    },
  };
}

function clientName(session: LoginSession): string {
  return session.binding?.clientId === 'ledgergraph' || !session.binding
    ? 'Ledgergraph'
    : session.binding.clientId;
}

function cookieOf(req: ApiRequest, name: string): string | undefined {
  for (const part of (header(req, 'cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function same(a: string | null | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
