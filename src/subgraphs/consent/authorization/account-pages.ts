import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAppError } from '../../../shared/errors/index.ts';
import { readBody } from '../../../shared/http/graphql-handler.ts';
import type { Route } from '../../../shared/http/server.ts';
import { CredentialThrottled } from '../../../shared/throttle/index.ts';
import { backFromBankPage, dashboardPage, type ConsentCard } from '../pages/dashboard.ts';
import { errorPage, sendPage } from '../pages/layout.ts';
import { signInPage } from '../pages/signin.ts';
import type { ConsentService } from '../services/consent.service.ts';
import type { ConsentUsage } from '../services/consent-usage.ts';
import { OAuthError } from '../services/token.service.ts';
import { cookieValue, type AccountSession, type AccountSessions } from './account-session.ts';
import { goToBank, plausibleBankId, publicOrigin } from './bank-linking.ts';
import { psuCredentialCheck, type PsuCredentialOptions } from './psu-credentials.ts';
import { psuPrincipal, type PsuAccountLister } from './psu-accounts.ts';

export interface AccountPagesOptions extends PsuCredentialOptions {
  sessions: AccountSessions;
  consents: ConsentService;
  usage: ConsentUsage;
  accounts: PsuAccountLister;
  csrfKey: string;
}

export const dashboardPath = '/account/access';
/** Where the bank's callback sends the PSU back to after linking from the dashboard. */
export const linkedPath = '/account/access/linked';
const signInPath = '/account/signin';
const signInCookie = 'lg_signin';
/** Where sign-in may send the browser next: our own pages only (no open redirect). */
const nextPattern = /^\/(account\/access|compliance)(\/[\w-]*)*$/;

const notices: Record<string, string> = {
  revoked: 'Access withdrawn. The app can no longer see your data.',
  unlinked: 'Bank unlinked. Its accounts are no longer shared with anyone.',
  linked: 'Bank linked. Its accounts are listed below.',
};
const problems: Record<string, string> = {
  'link-refused': 'You did not approve at your bank, so nothing was linked.',
  'link-failed': 'Your bank could not be linked. Try again in a minute.',
};
/** The callback's `status` after linking, as the dashboard's `done` (see `linked`). */
const linkDone = (status: string | null) =>
  status === 'Active' ? 'linked' : status === 'Rejected' ? 'link-refused' : 'link-failed';

/**
 * The account pages: their own sign-in (the same password + TOTP check and throttles as an
 * authorization request's), sign-out, and the PSU's access dashboard, where each consent and
 * bank link ends with a CSRF-protected POST.
 */
export function accountPages(o: AccountPagesOptions): Record<string, Route> {
  const checkCredentials = psuCredentialCheck(o);
  // Sign-in has no session yet: its CSRF token is bound to a random pre-session cookie.
  const signInCsrf = (nonce: string) =>
    createHmac('sha256', o.csrfKey).update(`account-signin:${nonce}`).digest('base64url');

  function signInForm(res: ServerResponse, status: number, next: string, extra = {}) {
    const nonce = randomBytes(24).toString('base64url');
    res.appendHeader(
      'set-cookie',
      `${signInCookie}=${nonce}; Path=${signInPath}; HttpOnly; SameSite=Strict; Max-Age=900`,
    );
    sendPage(
      res,
      status,
      signInPage({
        action: `${signInPath}?next=${encodeURIComponent(next)}`,
        csrf: signInCsrf(nonce),
        clientName: 'Ledgergraph',
        lead:
          next === dashboardPath
            ? 'Sign in to see and end the access you have given apps and the banks you have linked.'
            : 'Sign in with your staff account.',
        ...extra,
      }),
    );
  }

  const nextOf = (url: URL) => {
    const next = url.searchParams.get('next') ?? dashboardPath;
    return nextPattern.test(next) ? next : dashboardPath;
  };

  const showSignIn: Route = (_req, res, url) => signInForm(res, 200, nextOf(url));

  const signIn: Route = async (req, res, url) => {
    const next = nextOf(url);
    const form = new URLSearchParams(await readBody(req, 16_384));
    const nonce = cookieValue(req, signInCookie) ?? '';
    if (!nonce || !same(signInCsrf(nonce), form.get('csrf'))) {
      return sendPage(res, 403, errorPage('This form has expired', 'Reload the page and retry.'));
    }
    const username = (form.get('username') ?? '').trim().slice(0, 100);
    try {
      const psu = await checkCredentials(req, form);
      await o.sessions.start(res, psu.id);
      res.appendHeader('set-cookie', `${signInCookie}=; Path=${signInPath}; Max-Age=0`);
      redirect(res, next);
    } catch (e) {
      if (e instanceof CredentialThrottled) {
        res.setHeader('retry-after', String(e.retryAfterSeconds));
        const error = `Too many failed attempts. Try again in ${e.retryAfterSeconds} seconds.`;
        return signInForm(res, 429, next, { username, error });
      }
      if (e instanceof OAuthError) {
        const error = 'The username, password or code is not right.';
        return signInForm(res, 400, next, { username, error });
      }
      throw e;
    }
  };

  /** The session of a page request, or a redirect to sign-in (then back here). */
  async function sessionOr(req: IncomingMessage, res: ServerResponse, url: URL) {
    const session = await o.sessions.of(req);
    if (!session) redirect(res, `${signInPath}?next=${encodeURIComponent(url.pathname)}`);
    return session;
  }

  /** A form's session and fields; 403 when its CSRF token is missing or not this session's. */
  async function posted(req: IncomingMessage, res: ServerResponse, url: URL) {
    const session = await sessionOr(req, res, url);
    if (!session) return undefined;
    const form = new URLSearchParams(await readBody(req, 16_384));
    if (!o.sessions.csrfOk(session, form.get('csrf'))) {
      sendPage(res, 403, errorPage('This form has expired', 'Reload the page and retry.', ''));
      return undefined;
    }
    return { session, form };
  }

  const dashboard: Route = async (req, res, url) => {
    const session = await sessionOr(req, res, url);
    if (!session) return;
    const done = url.searchParams.get('done') ?? '';
    const notice = notices[done];
    const error = problems[done];
    sendPage(res, 200, await render(session, notice ? { notice } : error ? { error } : {}));
  };

  async function render(session: AccountSession, extra: { notice?: string; error?: string }) {
    const requestId = randomUUID();
    const [consents, choices, banks] = await Promise.all([
      o.consents.list(psuPrincipal(session.psuId)),
      o.accounts.choices(session.psuId, requestId).catch(() => ({ accounts: [], banks: null })),
      o.accounts.connections(session.psuId, requestId).catch(() => null),
    ]);
    const { accounts: labels, banks: linkable } = choices;
    const names = new Map(labels.map((a) => [a.id, `${a.label} (${a.detail})`]));
    const ids = consents.map((c) => c.id);
    const [apps, history] = await Promise.all([
      o.db.clientApp.findMany({ where: { id: { in: consents.map((c) => c.clientAppId) } } }),
      o.db.consentStatusChange.findMany({
        where: { consentId: { in: ids } },
        orderBy: { at: 'asc' },
      }),
    ]);
    const appName = new Map(apps.map((a) => [a.id, a.name]));
    const cards: ConsentCard[] = await Promise.all(
      consents
        .filter((c) => c.status !== 'AwaitingAuthorisation')
        .map(async (c) => {
          const mine = history.filter((h) => h.consentId === c.id);
          const selected = JSON.parse(c.selectedAccountIds) as string[];
          return {
            id: c.id,
            clientName: appName.get(c.clientAppId) ?? c.clientAppId,
            status: c.status,
            permissions: c.permissions.split(' ').filter(Boolean),
            accounts: selected.map((a) => names.get(a) ?? 'An account no longer linked'),
            grantedAt: mine.find((h) => h.toStatus === 'Authorised')?.at ?? null,
            expiresAt: c.expiresAt,
            lastUsedAt: c.status === 'Authorised' ? await o.usage.lastUsedAt(c.id) : null,
            endedAt: c.status === 'Authorised' ? null : (mine.at(-1)?.at ?? null),
          };
        }),
    );
    return dashboardPage({
      psuName: session.displayName,
      csrf: o.sessions.csrf(session),
      consents: cards,
      banks,
      linkable,
      ...extra,
    });
  }

  const revoke: Route = async (req, res, url) => {
    const got = await posted(req, res, url);
    if (!got) return;
    try {
      // The lifecycle's own rule: only the consent's PSU may; anyone else gets NOT_FOUND.
      await o.consents.revoke(psuPrincipal(got.session.psuId), got.form.get('consent') ?? '');
    } catch (e) {
      if (!isAppError(e)) throw e;
      const status = e.code === 'NOT_FOUND' || e.code === 'FORBIDDEN' ? 404 : 409;
      const error =
        status === 404 ? 'There is no such access of yours.' : `It could not end: ${e.message}`;
      return sendPage(res, status, await render(got.session, { error }));
    }
    redirect(res, `${dashboardPath}?done=revoked`);
  };

  const disconnect: Route = async (req, res, url) => {
    const got = await posted(req, res, url);
    if (!got) return;
    const id = got.form.get('connection') ?? '';
    const done = await o.accounts.disconnect(got.session.psuId, id, randomUUID()).catch(() => null);
    if (done === null) {
      const error = 'The bank could not be unlinked right now. Try again in a minute.';
      return sendPage(res, 503, await render(got.session, { error }));
    }
    if (!done) {
      const error = 'There is no such bank link of yours.';
      return sendPage(res, 404, await render(got.session, { error }));
    }
    redirect(res, `${dashboardPath}?done=unlinked`);
  };

  /**
   * connectBank as the signed-in PSU, returning to `linked` on this origin; then off to the
   * bank's own login page. The bank's callback (accounts service) finishes the link.
   */
  const link: Route = async (req, res, url) => {
    const got = await posted(req, res, url);
    if (!got) return;
    const bankId = got.form.get('bank');
    const back = 'Go back to your data access page and choose a bank from the list.';
    if (!plausibleBankId(bankId)) {
      return sendPage(res, 400, errorPage('Choose a bank', 'Choose the bank to link.', back));
    }
    const returnUrl = `${publicOrigin(req)}${linkedPath}`;
    const started = await o.accounts
      .connect(got.session.psuId, bankId, returnUrl, randomUUID())
      .catch(() => null);
    goToBank(res, started, back);
  };

  /**
   * Back from the bank (through its callback). The session cookie is SameSite=Strict, so a
   * browser coming from the bank's site does not send it on this navigation: then a page
   * that sends the browser on to the dashboard from our own origin (Refresh, and a link),
   * where the cookie goes along again. With the cookie, straight to the dashboard.
   */
  const linked: Route = async (req, res, url) => {
    const next = `${dashboardPath}?done=${linkDone(url.searchParams.get('status'))}`;
    if (await o.sessions.of(req)) return redirect(res, next);
    res.setHeader('refresh', `0; url=${next}`);
    sendPage(res, 200, backFromBankPage(next));
  };

  const signOut: Route = async (req, res, url) => {
    const got = await posted(req, res, url);
    if (!got) return;
    await o.sessions.end(req, res);
    redirect(res, signInPath);
  };

  return {
    [`GET ${signInPath}`]: showSignIn,
    [`POST ${signInPath}`]: signIn,
    'POST /account/signout': signOut,
    [`GET ${dashboardPath}`]: dashboard,
    'POST /account/access/consents/revoke': revoke,
    'POST /account/access/banks/disconnect': disconnect,
    'POST /account/access/banks/link': link,
    [`GET ${linkedPath}`]: linked,
  };
}

export function redirect(res: ServerResponse, location: string) {
  res.writeHead(303, { location, 'cache-control': 'no-store' });
  res.end();
}

function same(want: string, sent: string | null): boolean {
  const a = Buffer.from(want);
  const b = Buffer.from(sent ?? '');
  return a.length === b.length && timingSafeEqual(a, b);
}
