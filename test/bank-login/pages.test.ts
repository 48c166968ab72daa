/**
 * The sandbox banks' own pages in a real browser (Debian's Chromium through playwright-core):
 * login and approval for an OBIE account-access consent reached through a signed request
 * object, and for a Berlin Group consent reached through its scaRedirect link. Screenshots
 * go to test-output/. Only the bank's origin is loaded; the pages may not be framed.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxBank, type SandboxBank } from '../../src/sandbox/index.ts';
import { obieAuthorisationUrl } from '../../src/shared/bank-auth/obie-authorisation.ts';
import { registerAtSandboxBank } from '../../src/shared/bank-auth/registration.ts';
import { TppSigningKey } from '../../src/shared/bank-auth/tpp-key.ts';

const executablePath = '/usr/bin/chromium';
const haveChromium = existsSync(executablePath);
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const outputDir = resolve(import.meta.dirname, '..', '..', 'test-output');
const redirectUri = 'http://app.test/connections/callback';
const verifierChallenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'; // RFC 7636 appendix B

describe.skipIf(!haveChromium && !inCi)('the sandbox banks’ login and approval pages', () => {
  let obie: SandboxBank;
  let bg: SandboxBank;
  let browser: Browser;
  let key: TppSigningKey;

  beforeAll(async () => {
    mkdirSync(outputDir, { recursive: true });
    const common = { seed: 7, transactionsPerAccount: 0 } as const;
    obie = await startSandboxBank({ id: 'page-obie', standard: 'obie', ...common });
    bg = await startSandboxBank({ id: 'page-bg', standard: 'berlin-group', ...common });
    key = await TppSigningKey.generate();
    await registerAtSandboxBank(
      {
        id: obie.id,
        name: obie.id,
        standard: 'obie',
        baseUrl: obie.url,
        clientId: 'ledgergraph',
        clientSecret: 'sandbox-secret',
        sandbox: true,
        country: 'GB',
      },
      key,
      redirectUri,
      2_000,
    );
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([obie?.close(), bg?.close()]);
  });

  async function obieAuthorisation(): Promise<string> {
    const token = (await (
      await fetch(`${obie.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&scope=accounts',
      })
    ).json()) as { access_token: string };
    const consent = (await (
      await fetch(`${obie.url}/open-banking/v3.1/aisp/account-access-consents`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token.access_token}`,
        },
        body: JSON.stringify({
          Data: { Permissions: ['ReadAccountsDetail', 'ReadBalances'] },
          Risk: {},
        }),
      })
    ).json()) as { Data: { ConsentId: string } };
    return obieAuthorisationUrl(
      new URL(obie.url),
      'ledgergraph',
      {
        bankConsentId: consent.Data.ConsentId,
        redirectUri,
        state: 'state-1',
        nonce: 'nonce-1',
        codeChallenge: verifierChallenge,
        scope: 'accounts',
      },
      (claims) => key.sign(claims),
    );
  }

  async function bgAuthorisation(): Promise<string> {
    const res = await fetch(`${bg.url}/v1/consents`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': '00000000-0000-4000-8000-000000000001',
        'tpp-redirect-uri': `${redirectUri}?state=bg-state`,
      },
      body: JSON.stringify({
        access: { allPsd2: 'allAccounts' },
        recurringIndicator: true,
        validUntil: new Date(Date.now() + 86_400_000 * 30).toISOString().slice(0, 10),
        frequencyPerDay: 4,
        combinedServiceIndicator: false,
      }),
    });
    const body = (await res.json()) as { _links: { scaRedirect: { href: string } } };
    return body._links.scaRedirect.href;
  }

  /** Login, approval, then the redirect the TPP receives (answered here, never fetched). */
  async function walk(name: string, bank: SandboxBank, url: string): Promise<URL> {
    const page: Page = await browser.newPage({ viewport: { width: 900, height: 820 } });
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    let landed: URL | undefined;
    await page.route('http://app.test/**', async (route) => {
      landed = new URL(route.request().url());
      await route.fulfill({ status: 200, contentType: 'text/plain', body: 'back at the TPP' });
    });
    const first = await page.goto(url);
    expect(first?.status()).toBe(200);
    const headers = await first!.allHeaders();
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-frame-options']).toBe('DENY');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/Log in/);
    // Every field has its label (the accessible name a screen reader announces).
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/not right/);
    await page.getByLabel('Password').fill('alice-bank');
    await page.screenshot({ path: resolve(outputDir, `bank-login-${name}.png`), fullPage: true });
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Approve' }).waitFor();
    expect(await page.getByRole('group').getByRole('checkbox').count()).toBe(2);
    await page.screenshot({ path: resolve(outputDir, `bank-approve-${name}.png`), fullPage: true });
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL('http://app.test/**');
    await page.close();
    const origins = new Set(requested.map((r) => new URL(r).origin));
    expect([...origins].sort()).toEqual([new URL(bank.url).origin, 'http://app.test'].sort());
    return landed!;
  }

  it('OBIE: login and approval pages, then the code, state and iss at the redirect URI', async () => {
    const back = await walk('obie', obie, await obieAuthorisation());
    expect(back.origin + back.pathname).toBe(redirectUri);
    expect(back.searchParams.get('state')).toBe('state-1');
    expect(back.searchParams.get('iss')).toBe(new URL(obie.url).origin);
    expect(back.searchParams.get('code')).toMatch(/^[\w-]{32}$/);
  });

  it('Berlin Group: the scaRedirect page, then back to TPP-Redirect-URI', async () => {
    const back = await walk('bg', bg, await bgAuthorisation());
    expect(back.href).toBe(`${redirectUri}?state=bg-state`);
  });

  it('a page is not served inside a frame of another site', async () => {
    const page = await browser.newPage();
    const url = await bgAuthorisation();
    await page.setContent(`<iframe src="${url}" title="bank"></iframe>`, { waitUntil: 'load' });
    const frame = await (await page.locator('iframe').elementHandle())!.contentFrame();
    const framed = frame ? await frame.content().catch(() => '') : '';
    expect(framed).not.toContain('Log in to');
    await page.close();
  });
});
