/**
 * SANDBOX ONLY. The README's first query through the real redirect flow, without a browser:
 * the client app `demo-pfm` creates a consent and pushes an authorization request (PAR,
 * PKCE S256); this script then stands in for the demo PSU's browser on the hosted pages
 * (password, and the one-time code computed from the demo PSU's published TOTP secret),
 * approves every account, and the client redeems the code and reads through the gateway.
 *
 *   npm run first-query -- [gateway URL, default http://localhost:4000] [psu, default alice]
 */
import { createHash, randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { currentTotpCode } from '../src/subgraphs/consent/authorization/totp.ts';
import { demoClientApps, demoPsus } from '../src/subgraphs/consent/db/seed.ts';

const query = `{ accounts { nickname currency identification { scheme identification }
  balances { type amount currency } } }`;

export async function firstQuery(base: string, username = 'alice') {
  const app = demoClientApps.find((c) => c.id === 'demo-pfm')!;
  const psu = demoPsus.find((p) => p.username === username);
  if (!psu) throw new Error(`${username} is not a demo PSU`);
  const redirectUri = app.redirectUris[0]!;
  const basic = `Basic ${Buffer.from(`${app.id}:${app.secret}`).toString('base64')}`;
  const post = async (url: string, form: Record<string, string>) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
    const body = (await res.json()) as Record<string, string>;
    if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  const graphql = async (token: string, q: string) => {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: q }),
    });
    const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    if (body.errors?.length) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  };

  // 1. The client app: discovery, a consent, a pushed authorization request.
  const meta = (await (
    await fetch(`${base}/.well-known/oauth-authorization-server`)
  ).json()) as Record<string, string>;
  const client = await post(`${base}/token`, { grant_type: 'client_credentials' });
  const created = await graphql(
    client.access_token!,
    'mutation { requestConsent(input: { permissions: [ReadAccountsDetail, ReadBalances] }) { id } }',
  );
  const consentId = (created.requestConsent as { id: string }).id;
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const pushed = await post(meta.pushed_authorization_request_endpoint!, {
    client_id: app.id,
    response_type: 'code',
    scope: 'accounts',
    redirect_uri: redirectUri,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
    consent_id: consentId,
  });

  // 2. The PSU's browser, scripted: the hosted sign-in and consent pages.
  const browser = new FormBrowser(new URL(base).origin);
  const authorize = `${meta.authorization_endpoint}?client_id=${app.id}&request_uri=${encodeURIComponent(pushed.request_uri!)}`;
  const signIn = await browser.open(authorize);
  const consent = await browser.submit(signIn, {
    username: psu.username,
    password: psu.password,
    otp: currentTotpCode(psu.totpSecret),
  });
  const accounts = [...consent.html.matchAll(/name="account" value="([^"]+)"/g)].map((m) => m[1]!);
  if (!accounts.length) throw new Error(`no consent screen after sign-in (${consent.url})`);
  const back = await browser.submit(consent, { decision: 'approve', account: accounts });
  const callback = new URL(back.url);
  if (callback.searchParams.get('state') !== state) throw new Error('state mismatch');
  if (callback.searchParams.get('iss') !== meta.issuer) throw new Error('iss mismatch');
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code: ${callback.search}`);

  // 3. The client app redeems the code with its verifier, and reads.
  const tokens = await post(meta.token_endpoint!, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
  });
  return { consentId, data: await graphql(tokens.access_token!, query) };
}

interface Page {
  url: string;
  html: string;
}

/** Cookies and redirects within one origin; stops at the first redirect leaving it. */
class FormBrowser {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly origin: string) {}

  async open(url: string, init: RequestInit = {}): Promise<Page> {
    let at = url;
    let res = await this.go(at, init);
    while (res.status >= 300 && res.status < 400) {
      at = new URL(res.headers.get('location')!, at).href;
      if (!at.startsWith(this.origin)) return { url: at, html: '' };
      res = await this.go(at);
    }
    const html = await res.text();
    if (!res.ok) throw new Error(`${at}: ${res.status} ${html.slice(0, 300)}`);
    return { url: at, html };
  }

  submit(page: Page, fields: Record<string, string | string[]>): Promise<Page> {
    const action = /<form method="post" action="([^"]+)"/.exec(page.html)?.[1];
    const csrf = /name="csrf" value="([^"]*)"/.exec(page.html)?.[1];
    if (!action || !csrf) throw new Error(`no form at ${page.url}`);
    const body = new URLSearchParams({ csrf });
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
    return this.open(new URL(action.replace(/&amp;/g, '&'), page.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  }

  private async go(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) {
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const i = pair.indexOf('=');
      const value = pair.slice(i + 1);
      if (value && !/max-age=0|expires=Thu, 01 Jan 1970/i.test(c))
        this.cookies.set(pair.slice(0, i), value);
      else this.cookies.delete(pair.slice(0, i));
    }
    return res;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [base = 'http://localhost:4000', username = 'alice'] = process.argv.slice(2);
  firstQuery(base.replace(/\/$/, ''), username).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    },
  );
}
