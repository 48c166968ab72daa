/**
 * The PSU's journey through the gateway's one public address, in Debian Chromium: a client
 * app pushes an authorization request; the PSU signs in to the access dashboard (password +
 * TOTP), links a sandbox bank from there through the bank's own login and approval pages,
 * then signs in to the authorization request, picks accounts and approves; the client redeems the code
 * (PKCE) and reads through the gateway; the PSU revokes in the dashboard and the client is
 * refused; the officer finds the consent and its accesses in the compliance console.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/processes.ts';
import { expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';
import { basicAuth, pkce, totpFor } from './as-client.ts';

const client = { id: 'demo-pfm', secret: 'demo-pfm-secret' };
const redirectUri = 'http://localhost:3000/callback';
const executablePath = '/usr/bin/chromium';
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const shots = resolve(import.meta.dirname, '..', '..', 'test-results', 'journey');

let t: TestSystem;
/** The gateway: PUBLIC_URL, the issuer, and the only address the browser and client use. */
let pub: string;

beforeAll(async () => {
  const port = await freePort();
  pub = `http://127.0.0.1:${port}`;
  t = await startTestSystem({ PORT: String(port), PUBLIC_URL: pub, TOKEN_ISSUER: pub });
  expect(t.url).toBe(pub);
});
afterAll(() => t?.stop());

const form = (params: Record<string, string>) => ({
  method: 'POST',
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: basicAuth(client.id, client.secret),
  },
  body: new URLSearchParams(params),
});

describe('the authorization server behind the gateway', () => {
  it('metadata names the public URL, whatever Host or X-Forwarded-Host the caller sends', async () => {
    const sent: Record<string, string>[] = [
      {},
      { 'x-forwarded-host': 'evil.example', host: 'evil.example' },
    ];
    for (const headers of sent) {
      const res = await fetch(`${pub}/.well-known/oauth-authorization-server`, { headers });
      expect(res.status).toBe(200);
      const meta = (await res.json()) as Record<string, unknown>;
      expect(meta).toMatchObject({
        issuer: pub,
        pushed_authorization_request_endpoint: `${pub}/oauth/par`,
        authorization_endpoint: `${pub}/oauth/authorize`,
        token_endpoint: `${pub}/oauth/token`,
        jwks_uri: `${pub}/oauth/jwks`,
        require_pushed_authorization_requests: true,
      });
    }
    const oidc = await fetch(`${pub}/.well-known/openid-configuration`);
    expect(((await oidc.json()) as { issuer: string }).issuer).toBe(pub);
  });

  it('pages, their stylesheet and the console answer at the gateway with their security headers', async () => {
    const css = await fetch(`${pub}/signin-assets/style.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const signin = await fetch(`${pub}/account/signin`, { redirect: 'manual' });
    expect(signin.status).toBe(200);
    expect(signin.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(signin.headers.getSetCookie().length).toBeGreaterThan(0);
    const console = await fetch(`${pub}/compliance/consents`, { redirect: 'manual' });
    expect(console.status).toBe(303);
    expect(console.headers.get('location')).toBe('/account/signin?next=%2Fcompliance%2Fconsents');
  });
});

describe('npm run first-query (the README’s first query by the redirect flow, no browser)', () => {
  it('gets a consent-bound token through PAR, the hosted pages and the code, and reads', async () => {
    const root = resolve(import.meta.dirname, '..', '..');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/first-query.ts', pub, 'bob'],
      { cwd: root, timeout: 20_000 },
    );
    const out = JSON.parse(stdout) as {
      consentId: string;
      data: { accounts: { currency: string; balances: unknown[] }[] };
    };
    expect(out.data.accounts.length).toBeGreaterThan(0);
    expect(out.data.accounts[0]!.balances.length).toBeGreaterThan(0);
    const consent = await t.system.db.consent.consent.findUniqueOrThrow({
      where: { id: out.consentId },
    });
    expect([consent.status, consent.psuId, consent.clientAppId]).toEqual([
      'Authorised',
      'psu_bob',
      'demo-pfm',
    ]);
  });
});

async function signIn(page: Page, username: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(`${username}-sandbox`);
  await page.getByLabel(/One-time code/).fill(totpFor(username));
  await page.getByRole('button', { name: /Sign in/ }).click();
}

describe.skipIf(!existsSync(executablePath) && !inCi)('the PSU’s journey in Chromium', () => {
  it('link a bank, sign in, approve, read, revoke, refused, reviewed by the officer', async () => {
    mkdirSync(shots, { recursive: true });
    let n = 0;
    const shot = (page: Page, name: string) =>
      page.screenshot({ path: join(shots, `${String(++n).padStart(2, '0')}-${name}.png`) });
    const browser = await chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
      page.setDefaultTimeout(5_000);
      const bankOrigins = new Set(t.system.banks.map((b) => new URL(b.baseUrl).origin));
      const elsewhere: string[] = [];
      page.on('request', (r) => {
        const origin = new URL(r.url()).origin;
        // One public address: nothing but the gateway, the bank's own pages and the client.
        if (origin !== pub && !bankOrigins.has(origin) && !r.url().startsWith(redirectUri))
          elsewhere.push(r.url());
      });
      // The client app's registered redirect URI: the browser lands there with the outcome.
      await page.route(`${redirectUri}**`, (route) =>
        route.fulfill({ contentType: 'text/html', body: '<h1>Back at the budgeting app</h1>' }),
      );

      // Alice, on her access dashboard, unlinks her OBIE bank, then links it again through
      // the dashboard's "Link a bank" and the bank's own login: no token, only the pages.
      await page.goto(`${pub}/account/access`);
      await page.waitForURL(`${pub}/account/signin**`);
      await shot(page, 'dashboard-signin');
      await signIn(page, 'alice');
      await page.getByRole('heading', { name: 'Your data access' }).waitFor();
      const obie = 'Sandbox Bank UK (OBIE 3.1.11)';
      await page.getByRole('button', { name: `Unlink ${obie}` }).click();
      await page.getByRole('status').waitFor();
      expect(await page.getByRole('status').innerText()).toContain('Bank unlinked.');
      await expect(page.getByRole('button', { name: `Unlink ${obie}` }).count()).resolves.toBe(0);
      const linkSection = page.locator('section[aria-labelledby="link-bank"]');
      await linkSection.scrollIntoViewIfNeeded();
      await page.getByRole('radio', { name: obie }).check();
      await shot(page, 'dashboard-link-a-bank');
      await page.getByRole('button', { name: 'Continue to your bank' }).click();
      await page.getByRole('button', { name: 'Log in' }).waitFor();
      expect(bankOrigins.has(new URL(page.url()).origin)).toBe(true);
      await shot(page, 'bank-login');
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill('alice-bank');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('button', { name: 'Approve' }).waitFor();
      await shot(page, 'bank-approve');
      await page.getByRole('button', { name: 'Approve' }).click();
      // Back through our callback to the dashboard, which shows the new link.
      await page.getByRole('heading', { name: 'Your data access' }).waitFor();
      expect(new URL(page.url()).origin).toBe(pub);
      expect(await page.getByRole('status').innerText()).toContain('Bank linked.');
      const made = await t.system.db.accounts.connection.findFirstOrThrow({
        where: { psuId: 'psu_alice', bankId: 'sandbox-obie', status: 'Active' },
      });
      const linked = page.locator(`section:has(input[value="${made.id}"])`);
      await linked.scrollIntoViewIfNeeded();
      expect(await linked.innerText()).toMatch(/OBIE 3\.1\.11[\s\S]*Active/);
      await shot(page, 'dashboard-linked');
      await page.getByRole('button', { name: 'Sign out' }).click();

      // The client app: a consent, then a pushed authorization request, at the gateway.
      const clientToken = await t.tokens.client(client.id, client.secret);
      const created = await t.execute<{ requestConsent: { id: string } }>(
        clientToken,
        'mutation { requestConsent(input: { permissions: [ReadAccountsBasic, ReadBalances] }) { id } }',
      );
      expectNoErrors(created);
      const consentId = created.data!.requestConsent.id;
      const { verifier, challenge } = pkce();
      const state = randomBytes(12).toString('base64url');
      const par = await fetch(
        `${pub}/oauth/par`,
        form({
          client_id: client.id,
          response_type: 'code',
          scope: 'accounts',
          redirect_uri: redirectUri,
          code_challenge: challenge,
          code_challenge_method: 'S256',
          state,
          consent_id: consentId,
        }),
      );
      const pushed = (await par.json()) as { request_uri: string };
      expect(par.status, JSON.stringify(pushed)).toBe(201);

      // The PSU in the browser: sign-in with password and TOTP, then the consent screen.
      await page.goto(
        `${pub}/oauth/authorize?client_id=${client.id}&request_uri=${encodeURIComponent(pushed.request_uri)}`,
      );
      expect(new URL(page.url()).pathname).toMatch(/^\/signin\//);
      await shot(page, 'signin');
      await signIn(page, 'alice');
      await page
        .getByRole('heading', { name: /Share your bank data with Demo Budgeting App/ })
        .waitFor();
      expect(new URL(page.url()).origin).toBe(pub);
      const boxes = page.getByRole('checkbox');
      expect(await boxes.count()).toBeGreaterThan(1);
      // Share one account, of the bank just linked.
      for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).uncheck();
      await page.getByRole('checkbox', { name: /Everyday.*OBIE 3\.1\.11/ }).check();
      await shot(page, 'consent');
      // Below the decision: another bank can be linked from here, coming back to this page.
      await page.locator('section[aria-labelledby="link-bank"]').scrollIntoViewIfNeeded();
      await shot(page, 'consent-link-a-bank');
      await page.getByRole('button', { name: 'Allow access' }).click();
      await page.waitForURL(`${redirectUri}**`);
      await shot(page, 'client-callback');
      const back = new URL(page.url());
      expect(back.searchParams.get('state')).toBe(state);
      expect(back.searchParams.get('iss')).toBe(pub);

      // The client redeems the code with its verifier and reads through the gateway.
      const tokenRes = await fetch(
        `${pub}/oauth/token`,
        form({
          grant_type: 'authorization_code',
          code: back.searchParams.get('code')!,
          redirect_uri: redirectUri,
          code_verifier: verifier,
        }),
      );
      const issued = (await tokenRes.json()) as { access_token: string; refresh_token: string };
      expect(tokenRes.status, JSON.stringify(issued)).toBe(200);
      const read = await t.execute<{ accounts: { id: string }[] }>(
        issued.access_token,
        '{ accounts { id nickname } }',
      );
      expectNoErrors(read);
      expect(read.data!.accounts).toHaveLength(1);

      // The PSU withdraws it on the dashboard; the client's next request is refused.
      await page.goto(`${pub}/account/access`);
      await signIn(page, 'alice');
      await page.getByRole('heading', { name: 'Your data access' }).waitFor();
      const withdraw = page.locator(`form:has(input[value="${consentId}"]) button`);
      await withdraw.scrollIntoViewIfNeeded();
      await shot(page, 'dashboard-consent');
      await withdraw.click();
      await page.getByRole('status').waitFor();
      await shot(page, 'dashboard-revoked');
      const refused = await t.execute(issued.access_token, '{ accounts { id } }');
      expect(refused.status).toBe(401);
      const refresh = await fetch(
        `${pub}/oauth/token`,
        form({ grant_type: 'refresh_token', refresh_token: issued.refresh_token }),
      );
      expect(refresh.status).toBe(400);
      await page.getByRole('button', { name: 'Sign out' }).click();

      // The officer reviews that consent: granted, revoked, and the read made under it.
      await page.goto(`${pub}/compliance`);
      await signIn(page, 'olivia');
      await page.getByRole('heading', { name: 'Compliance console' }).waitFor();
      await shot(page, 'console');
      await page.getByLabel(/Consent to review/).fill(consentId);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Consent review' }).waitFor();
      const review = await page.locator('main').innerText();
      expect(review).toContain('Demo Budgeting App');
      expect(review).toMatch(/Authorised\s+Revoked\s+PSU/);
      expect(review).toContain('Query.accounts');
      await page.screenshot({
        path: join(shots, `${String(++n).padStart(2, '0')}-review.png`),
        fullPage: true,
      });

      expect(elsewhere).toEqual([]);
    } catch (e) {
      const pages = browser.contexts().flatMap((c) => c.pages());
      for (const p of pages) await p.screenshot({ path: join(shots, 'failure.png') });
      throw new Error(`${String(e)} at ${pages.map((p) => p.url()).join(' ')}`);
    } finally {
      await browser.close();
    }
  });
});
