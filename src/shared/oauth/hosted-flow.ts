import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { currentTotpCode } from '../crypto/totp.ts';
import { FormBrowser } from './form-browser.ts';

/** A client app registered for the authorization code flow (a secret, a redirect URI). */
export interface HostedFlowClient {
  id: string;
  secret: string;
  redirectUri: string;
}

/** A PSU who signs in on the hosted pages: password and the TOTP secret behind the code. */
export interface HostedFlowPsu {
  username: string;
  password: string;
  /** Base32; the demo PSUs' are published demo data (printed by `npm start`). */
  totpSecret: string;
}

export interface HostedFlowOptions {
  /** The authorization server's origin: the gateway (its public URL) or the consent service. */
  base: string;
  client: HostedFlowClient;
  psu: HostedFlowPsu;
  /** The consent the client app requested, awaiting authorisation. */
  consentId: string;
  /** OBIE scope of the request; default `accounts`. */
  scope?: string;
  /** Of the account ids the consent page offers, those to approve; default every one. */
  chooseAccounts?: (offered: string[]) => string[];
  /** The clock the one-time code is computed by (tests that move time); default the system's. */
  clock?: Clock;
  timeoutMs?: number;
}

export interface HostedFlowResult {
  consentId: string;
  /** What the consent page offered, and what was approved. */
  offered: string[];
  accountIds: string[];
  /** The client's consent-bound access token, redeemed from the code. */
  accessToken: string;
  refreshToken?: string;
}

/**
 * SANDBOX AND TESTS ONLY: the real redirect flow, with a script in place of the PSU's
 * browser. The client app pushes an authorization request (PAR, PKCE S256) for the consent;
 * the "browser" opens the authorization endpoint, signs in on the hosted page (password and
 * the one-time code computed from the PSU's TOTP secret), approves the chosen accounts on
 * the consent page and lands on the redirect URI with the code, which the client redeems.
 * Only a party that holds the PSU's password and TOTP secret can run it: the published
 * demo PSUs, or a test's own.
 */
export async function authorizeByHostedFlow(o: HostedFlowOptions): Promise<HostedFlowResult> {
  const base = o.base.replace(/\/+$/, '');
  const timeout = o.timeoutMs ?? 10_000;
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(o.client.id)}:${encodeURIComponent(o.client.secret)}`).toString('base64')}`;
  const post = async (step: string, url: string, form: Record<string, string>) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
      signal: AbortSignal.timeout(timeout),
    });
    const body = (await res.json()) as Record<string, string | undefined>;
    if (!res.ok)
      throw new Error(
        `${step}: ${res.status} ${body.error ?? ''} ${body.error_description ?? ''}`.trim(),
      );
    return body;
  };

  const metaRes = await fetch(`${base}/.well-known/oauth-authorization-server`, {
    signal: AbortSignal.timeout(timeout),
  });
  if (!metaRes.ok) throw new Error(`discovery: ${metaRes.status}`);
  const meta = (await metaRes.json()) as Record<string, string>;

  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const pushed = await post(
    'pushed authorization request',
    meta.pushed_authorization_request_endpoint!,
    {
      client_id: o.client.id,
      response_type: 'code',
      scope: o.scope ?? 'accounts',
      redirect_uri: o.client.redirectUri,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      state,
      consent_id: o.consentId,
    },
  );

  const browser = new FormBrowser(new URL(meta.authorization_endpoint!).origin, timeout);
  const authorize = new URL(meta.authorization_endpoint!);
  authorize.searchParams.set('client_id', o.client.id);
  authorize.searchParams.set('request_uri', pushed.request_uri!);
  const signIn = await step('authorization', () => browser.open(authorize.href));
  const consent = await step('sign-in', () =>
    browser.submit(signIn, {
      username: o.psu.username,
      password: o.psu.password,
      otp: currentTotpCode(o.psu.totpSecret, o.clock),
    }),
  );
  const offered = [...consent.html.matchAll(/name="account" value="([^"]+)"/g)].map((m) => m[1]!);
  if (!offered.length) throw new Error(`consent page: no accounts offered (${consent.url})`);
  const accountIds = o.chooseAccounts ? o.chooseAccounts(offered) : offered;
  const back = await step('consent page', () =>
    browser.submit(consent, { decision: 'approve', account: accountIds }),
  );

  if (!back.url.startsWith(o.client.redirectUri)) {
    throw new Error(`consent page: sent to ${back.url}, not the redirect URI`);
  }
  const callback = new URL(back.url);
  if (callback.searchParams.get('state') !== state) throw new Error('callback: state mismatch');
  if (callback.searchParams.get('iss') !== meta.issuer) throw new Error('callback: iss mismatch');
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`callback: no code (${callback.searchParams.get('error') ?? '?'})`);

  const tokens = await post('code redemption', meta.token_endpoint!, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: o.client.redirectUri,
    code_verifier: verifier,
  });
  return {
    consentId: o.consentId,
    offered,
    accountIds,
    accessToken: tokens.access_token!,
    ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
  };
}

async function step<T>(name: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw new Error(`${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
