import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { InteractionDetails } from 'oidc-provider';
import type { Clock } from '../../../shared/clock.ts';
import type { SecretBox } from '../../../shared/crypto/secret-box.ts';
import { isAppError } from '../../../shared/errors/index.ts';
import { readBody } from '../../../shared/http/graphql-handler.ts';
import type { Route } from '../../../shared/http/server.ts';
import { CredentialThrottled } from '../../../shared/throttle/index.ts';
import type { ConsentDb } from '../db/client.ts';
import type { CredentialGuardOptions, CredentialThrottles } from '../http/credential-guard.ts';
import { consentPage } from '../pages/consent.ts';
import { goToBank, linkOutcome, plausibleBankId, publicOrigin } from './bank-linking.ts';
import { errorPage, sendPage } from '../pages/layout.ts';
import { signInPage } from '../pages/signin.ts';
import type { ConsentService } from '../services/consent.service.ts';
import { OAuthError } from '../services/token.service.ts';
import { consentIdParam, interactionPath } from './provider.ts';
import { psuPrincipal, type PsuAccountLister } from './psu-accounts.ts';
import { psuCredentialCheck } from './psu-credentials.ts';

export interface InteractionOptions {
  provider: Provider;
  db: ConsentDb;
  consents: ConsentService;
  accounts: PsuAccountLister;
  box: SecretBox;
  clock: Clock;
  throttles: CredentialThrottles;
  guard: CredentialGuardOptions;
  /** Keys the forms' CSRF tokens. */
  csrfKey: string;
  /** Verifies the client address the gateway forwards. */
  internalSecret?: string;
}

const uidPattern = /^\/signin\/([\w-]{10,64})(?:\/(login|consent|link))?$/;

/**
 * The hosted pages of an authorization request: sign-in (password and TOTP, throttled per
 * PSU and address) and the consent screen (approve with chosen accounts, or deny). Each
 * step hands its result to oidc-provider, which resumes the request.
 */
export function interactionRoutes(o: InteractionOptions): Record<string, Route> {
  const checkCredentials = psuCredentialCheck(o);
  const csrfOf = (uid: string) =>
    createHmac('sha256', o.csrfKey).update(`csrf:${uid}`).digest('base64url');
  const csrfOk = (uid: string, sent: string | null) => {
    const want = Buffer.from(csrfOf(uid));
    const got = Buffer.from(sent ?? '');
    return got.length === want.length && timingSafeEqual(got, want);
  };

  /** The interaction this browser is in, or an error page when the path or cookie disagree. */
  async function interactionOf(req: IncomingMessage, res: ServerResponse, url: URL) {
    const match = uidPattern.exec(url.pathname);
    let details: InteractionDetails | undefined;
    try {
      details = match ? await o.provider.interactionDetails(req, res) : undefined;
    } catch {
      details = undefined;
    }
    if (!match || !details || details.uid !== match[1]) {
      sendPage(
        res,
        400,
        errorPage('This sign-in has expired', 'We could not find your sign-in in this browser.'),
      );
      return undefined;
    }
    return { details, step: match[2] };
  }

  async function clientName(details: InteractionDetails) {
    const app = await o.db.clientApp.findUnique({
      where: { id: String(details.params.client_id ?? '') },
    });
    return app?.name ?? 'An app';
  }

  async function showConsent(
    res: ServerResponse,
    details: InteractionDetails,
    status = 200,
    said: { error?: string; notice?: string } = {},
  ) {
    const psuId = details.session?.accountId ?? '';
    const consent = await o.db.consent.findUnique({
      where: { id: String(details.params[consentIdParam] ?? '') },
    });
    const psu = await o.db.psu.findUnique({ where: { id: psuId } });
    if (!consent || !psu) {
      return sendPage(res, 400, errorPage('This request cannot go on', 'The consent is gone.'));
    }
    const { accounts, banks } = await o.accounts.choices(psuId, randomUUID());
    sendPage(
      res,
      status,
      consentPage({
        action: `${interactionPath(details.uid)}/consent`,
        csrf: csrfOf(details.uid),
        clientName: await clientName(details),
        psuName: psu.displayName,
        permissions: consent.permissions.split(' ').filter(Boolean),
        accounts,
        linkBank: { action: `${interactionPath(details.uid)}/link`, banks: banks ?? [] },
        transactionFrom: consent.transactionFromDate,
        transactionTo: consent.transactionToDate,
        expiresAt: consent.expiresAt,
        ...said,
      }),
    );
  }

  const show: Route = async (req, res, url) => {
    const found = await interactionOf(req, res, url);
    if (!found || found.step) return;
    const { details } = found;
    if (details.prompt.name === 'login') {
      return sendPage(
        res,
        200,
        signInPage({
          action: `${interactionPath(details.uid)}/login`,
          csrf: csrfOf(details.uid),
          clientName: await clientName(details),
        }),
      );
    }
    // Back from linking a bank (see `linkBank`): the callback says how it went.
    await showConsent(res, details, 200, linkOutcome(url.searchParams.get('status')));
  };

  const submit: Route = async (req, res, url) => {
    const found = await interactionOf(req, res, url);
    if (!found) return;
    const { details, step } = found;
    const form = new URLSearchParams(await readBody(req, 16_384));
    if (!csrfOk(details.uid, form.get('csrf'))) {
      return sendPage(res, 403, errorPage('This form has expired', 'Reload the page and retry.'));
    }
    if (step === 'login' && details.prompt.name === 'login') return signIn(req, res, details, form);
    if (step === 'consent' && details.prompt.name === 'consent')
      return decide(res, req, details, form);
    if (step === 'link' && details.prompt.name === 'consent')
      return linkBank(res, req, details, form);
    sendPage(res, 409, errorPage('Out of step', 'Reload the page to see where you are.'));
  };

  async function signIn(
    req: IncomingMessage,
    res: ServerResponse,
    details: InteractionDetails,
    form: URLSearchParams,
  ) {
    const username = (form.get('username') ?? '').trim().slice(0, 100);
    const view = {
      action: `${interactionPath(details.uid)}/login`,
      csrf: csrfOf(details.uid),
      clientName: await clientName(details),
      username,
    };
    try {
      const psu = await checkCredentials(req, form);
      const returnTo = await o.provider.interactionResult(
        req,
        res,
        { login: { accountId: psu.id, remember: false, amr: ['pwd', 'otp'] } },
        { mergeWithLastSubmission: false },
      );
      redirect(res, returnTo);
    } catch (e) {
      if (e instanceof CredentialThrottled) {
        res.setHeader('retry-after', String(e.retryAfterSeconds));
        return sendPage(
          res,
          429,
          signInPage({
            ...view,
            error: `Too many failed attempts. Try again in ${e.retryAfterSeconds} seconds.`,
          }),
        );
      }
      if (e instanceof OAuthError) {
        return sendPage(
          res,
          400,
          signInPage({ ...view, error: 'The username, password or code is not right.' }),
        );
      }
      throw e;
    }
  }

  async function decide(
    res: ServerResponse,
    req: IncomingMessage,
    details: InteractionDetails,
    form: URLSearchParams,
  ) {
    const psuId = details.session?.accountId ?? '';
    const consentId = String(details.params[consentIdParam] ?? '');
    const psu = psuPrincipal(psuId);
    if (form.get('decision') !== 'approve') {
      await o.consents.reject(psu, consentId, 'Denied on the consent screen');
      const returnTo = await o.provider.interactionResult(req, res, {
        error: 'access_denied',
        error_description: 'The PSU denied the request',
      });
      return redirect(res, returnTo);
    }
    try {
      await o.consents.authorise(psu, consentId, form.getAll('account'));
    } catch (e) {
      if (!isAppError(e)) throw e;
      if (e.code === 'BAD_USER_INPUT') return showConsent(res, details, 400, { error: e.message });
      // Revoked, expired or decided meanwhile: nothing the PSU can fix on this page.
      return sendPage(res, 409, errorPage('This request cannot go on', e.message));
    }
    const grant = new o.provider.Grant({
      accountId: psuId,
      clientId: String(details.params.client_id),
    });
    const missing = details.prompt.details.missingOIDCScope;
    if (Array.isArray(missing)) grant.addOIDCScope(missing.join(' '));
    const grantId = await grant.save();
    await o.db.consent.update({ where: { id: consentId }, data: { grantId } });
    const returnTo = await o.provider.interactionResult(req, res, { consent: { grantId } });
    redirect(res, returnTo);
  }

  /**
   * The PSU has no accounts to share yet, or wants another bank's: connectBank as this PSU,
   * returning to this same interaction (its cookie is SameSite=Lax, so it comes back with
   * the browser from the bank's site), then off to the bank's own login page.
   */
  async function linkBank(
    res: ServerResponse,
    req: IncomingMessage,
    details: InteractionDetails,
    form: URLSearchParams,
  ) {
    const bankId = form.get('bank');
    const back = 'Go back to the previous page and choose a bank from the list.';
    if (!plausibleBankId(bankId)) {
      return sendPage(res, 400, errorPage('Choose a bank', 'Choose the bank to link.', back));
    }
    const returnUrl = `${publicOrigin(req)}${interactionPath(details.uid)}`;
    const psuId = details.session?.accountId ?? '';
    const started = await o.accounts
      .connect(psuId, bankId, returnUrl, randomUUID())
      .catch(() => null);
    goToBank(res, started, back);
  }

  return {
    'GET /signin/*': show,
    'POST /signin/*': submit,
  };
}

function redirect(res: ServerResponse, location: string) {
  res.writeHead(303, { location, 'cache-control': 'no-store' });
  res.end();
}
