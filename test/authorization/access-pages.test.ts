import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAudit } from '../../src/shared/audit/index.ts';
import { startTestSystem, expectNoErrors, type TestSystem } from '../support/system.ts';
import { Browser, hidden, totpFor } from './as-client.ts';

let t: TestSystem;
let as: string;
/** alice's consents: one per demo client app; bob's: one. */
let pfm: { consentId: string; token: string };
let basic: { consentId: string; token: string };
let bobs: { consentId: string; token: string };

beforeAll(async () => {
  t = await startTestSystem();
  as = t.system.subgraphUrls.consent;
  const permissions = ['ReadAccountsBasic', 'ReadBalances'];
  pfm = await t.authorisedConsent({ permissions });
  basic = await t.authorisedConsent({ permissions, client: ['demo-basic', 'demo-basic-secret'] });
  bobs = await t.authorisedConsent({ permissions, psu: ['bob', 'bob-sandbox'] });
  // A use under the budgeting app's consent: the dashboard's "last used", the console's access.
  expectNoErrors(await t.execute(pfm.token, '{ accounts { id nickname } }'));
});
afterAll(() => t?.stop());

/** Signs in to the account pages without a browser (password + TOTP), then goes to `next`. */
async function signedIn(username: string, password: string, next = '/account/access') {
  const b = new Browser();
  const form = await b.go(`${as}/account/signin?next=${encodeURIComponent(next)}`);
  const html = await form.text();
  const res = await b.go(
    `${as}/account/signin?next=${encodeURIComponent(next)}`,
    b.postForm({ csrf: hidden(html, 'csrf'), username, password, otp: totpFor(username) }),
  );
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe(next);
  return b;
}

const status = async (id: string) =>
  (await t.system.db.consent.consent.findUniqueOrThrow({ where: { id } })).status;

describe('access dashboard and compliance console refuse what they must', () => {
  it('without a session, both send the browser to sign-in and come back after', async () => {
    const b = new Browser();
    for (const path of ['/account/access', '/compliance', '/compliance/consents']) {
      const res = await b.go(`${as}${path}`);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/account/signin?next=${encodeURIComponent(path)}`);
    }
    const post = await b.go(
      `${as}/account/access/consents/revoke`,
      b.postForm({ consent: pfm.consentId }),
    );
    expect(post.status).toBe(303);
    expect(await status(pfm.consentId)).toBe('Authorised');
  });

  it('a wrong one-time code is refused like at the consent screen: no session', async () => {
    const b = new Browser();
    const html = await (await b.go(`${as}/account/signin`)).text();
    const wrong = totpFor('carol') === '000000' ? '111111' : '000000';
    const res = await b.go(
      `${as}/account/signin`,
      b.postForm({
        csrf: hidden(html, 'csrf'),
        username: 'carol',
        password: 'carol-sandbox',
        otp: wrong,
      }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await res.text()).toContain('The username, password or code is not right.');
    expect((await b.go(`${as}/account/access`)).status).toBe(303);
  });

  it('sign-in goes back only to our own pages (no open redirect)', async () => {
    const b = await signedIn('alice', 'alice-sandbox').catch(() => undefined);
    expect(b).toBeDefined();
    const c = new Browser();
    const html = await (await c.go(`${as}/account/signin?next=//evil.example/x`)).text();
    const res = await c.go(
      `${as}/account/signin?next=${encodeURIComponent('https://evil.example/')}`,
      c.postForm({
        csrf: hidden(html, 'csrf'),
        username: 'alice',
        password: 'alice-sandbox',
        otp: totpFor('alice'),
      }),
    );
    expect(res.headers.get('location')).toBe('/account/access');
  });

  it('a revocation without the CSRF token, or with another session’s, is 403 and changes nothing', async () => {
    const alice = await signedIn('alice', 'alice-sandbox');
    const missing = await alice.go(
      `${as}/account/access/consents/revoke`,
      alice.postForm({ consent: pfm.consentId }),
    );
    expect(missing.status).toBe(403);
    const other = await signedIn('alice', 'alice-sandbox');
    const otherCsrf = hidden(await (await other.go(`${as}/account/access`)).text(), 'csrf');
    const foreign = await alice.go(
      `${as}/account/access/consents/revoke`,
      alice.postForm({ consent: pfm.consentId, csrf: otherCsrf }),
    );
    expect(foreign.status).toBe(403);
    expect(await status(pfm.consentId)).toBe('Authorised');
  });

  it('another PSU’s consent id is refused as unknown, and stays Authorised', async () => {
    const alice = await signedIn('alice', 'alice-sandbox');
    const csrf = hidden(await (await alice.go(`${as}/account/access`)).text(), 'csrf');
    const res = await alice.go(
      `${as}/account/access/consents/revoke`,
      alice.postForm({ consent: bobs.consentId, csrf }),
    );
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('There is no such access of yours.');
    expect(await status(bobs.consentId)).toBe('Authorised');
    const bank = await alice.go(
      `${as}/account/access/banks/disconnect`,
      alice.postForm({ connection: 'conn_not_alices', csrf }),
    );
    expect(bank.status).toBe(404);
  });

  it('a PSU without audit:read cannot open the console, its review or its export', async () => {
    const alice = await signedIn('alice', 'alice-sandbox');
    for (const path of [
      '/compliance',
      `/compliance/consents?id=${pfm.consentId}`,
      '/compliance/export?format=csv',
    ]) {
      const res = await alice.go(`${as}${path}`);
      expect(res.status, path).toBe(403);
      expect(await res.text()).not.toContain(pfm.consentId.slice(4));
    }
  });

  it('the dashboard lists only the signed-in PSU’s consents, with who, what and when', async () => {
    const alice = await signedIn('alice', 'alice-sandbox');
    const html = await (await alice.go(`${as}/account/access`)).text();
    expect(html).toContain('Demo Budgeting App');
    expect(html).toContain('Demo Basic Insights');
    expect(html).toContain('The balances of the accounts you choose');
    expect(html).toContain(`value="${pfm.consentId}"`);
    expect(html).not.toContain(bobs.consentId);
  });
});

describe('bank links on the dashboard', () => {
  it('unlinking one goes through the accounts service: it shows Disconnected and its accounts leave the API', async () => {
    const carol = await signedIn('carol', 'carol-sandbox');
    const html = await (await carol.go(`${as}/account/access`)).text();
    const connection = hidden(html, 'connection');
    expect(connection).toMatch(/\S/);
    // "Bank access ends" is the bank consent's lapse (about 90 days), not the bank session's.
    const linked = await t.system.db.accounts.connection.findUniqueOrThrow({
      where: { id: connection },
    });
    expect(linked.consentExpiresAt!.getTime() - Date.now()).toBeGreaterThan(80 * 86_400_000);
    const ends = linked.consentExpiresAt!.toISOString().slice(0, 10);
    const [y, m, d] = ends.split('-').map(Number);
    const shown = `${d} ${new Date(Date.UTC(y!, m! - 1, d!)).toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' })} ${y}`;
    expect(html).toMatch(new RegExp(`Bank access ends</dt><dd>${shown}`));
    const before = await t.system.db.accounts.connection.count({
      where: { psuId: 'psu_carol', status: 'Active' },
    });
    const res = await carol.go(
      `${as}/account/access/banks/disconnect`,
      carol.postForm({ connection, csrf: hidden(html, 'csrf') }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account/access?done=unlinked');
    const row = await t.system.db.accounts.connection.findUniqueOrThrow({
      where: { id: connection },
    });
    expect(row.status).toBe('Disconnected');
    expect(
      await t.system.db.accounts.connection.count({
        where: { psuId: 'psu_carol', status: 'Active' },
      }),
    ).toBe(before - 1);
    const after = await (await carol.go(`${as}/account/access?done=unlinked`)).text();
    expect(after).toContain('Bank unlinked.');
    expect(after).not.toContain(`name="connection" value="${connection}"`);
  });
});

const executablePath = '/usr/bin/chromium';
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const shots = resolve(import.meta.dirname, '..', '..', 'test-results', 'access-pages');

async function signInByKeyboard(page: Page, username: string, password: string) {
  await page.getByLabel('Username').focus();
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Tab');
  await page.keyboard.type(totpFor(username));
  await page.keyboard.press('Enter');
}

describe.skipIf(!existsSync(executablePath) && !inCi)('access pages in headless Chromium', () => {
  it('PSU revokes in the dashboard, the client is refused; the console shows the consent and its accesses', async () => {
    mkdirSync(shots, { recursive: true });
    const browser = await chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
      const foreign: string[] = [];
      const violations: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(as)) foreign.push(r.url());
      });
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });

      await page.goto(`${as}/account/access`);
      expect(new URL(page.url()).pathname).toBe('/account/signin');
      await page.screenshot({ path: join(shots, 'signin.png'), fullPage: true });
      await signInByKeyboard(page, 'alice', 'alice-sandbox');
      await page.getByRole('heading', { name: 'Your data access' }).waitFor();
      const card = page.getByRole('region', { name: 'Demo Budgeting App' });
      await expect(card.getByText('The balances of the accounts you choose').count()).resolves.toBe(
        1,
      );
      expect(await card.locator('dd').nth(4).innerText()).not.toBe('Not yet');
      await expect(
        page.getByRole('heading', { name: 'Banks you have linked' }).count(),
      ).resolves.toBe(1);
      await page.screenshot({ path: join(shots, 'dashboard.png'), fullPage: true });

      // Keyboard: the withdraw button is reachable and pressed with Enter.
      await page.getByRole('button', { name: 'Withdraw access for Demo Budgeting App' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('status').waitFor();
      expect(await page.getByRole('status').innerText()).toContain('Access withdrawn');
      await page.screenshot({ path: join(shots, 'dashboard-revoked.png'), fullPage: true });

      // The client app's next request through the gateway is refused.
      const after = await t.execute(pfm.token, '{ accounts { id } }');
      expect(after.status).toBe(401);
      expect(after.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      // The other app, untouched, still reads.
      expectNoErrors(await t.execute(basic.token, '{ accounts { id } }'));

      // The compliance officer signs in (staff account, password + TOTP) and reviews it.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.goto(`${as}/compliance`);
      await signInByKeyboard(page, 'olivia', 'olivia-sandbox');
      await page.getByRole('heading', { name: 'Compliance console' }).waitFor();
      await page.screenshot({ path: join(shots, 'console.png'), fullPage: true });
      await page.getByLabel(/Consent to review/).fill(pfm.consentId);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Consent review' }).waitFor();
      const review = await page.locator('main').innerText();
      expect(review).toContain('Demo Budgeting App');
      expect(review).toMatch(/Authorised\s+Revoked\s+PSU/);
      expect(review).toContain('Query.accounts');
      await page.screenshot({ path: join(shots, 'review.png'), fullPage: true });
      // The officer's own read is in the audit log, under the officer's id.
      const reads = await searchAudit(
        t.system.audit.db,
        { fieldPath: 'Security.complianceConsentReview' },
        { first: 10 },
      );
      expect(reads.records.map((r) => [r.principalId, r.clientId])).toContainEqual([
        'staff_olivia',
        'compliance-console',
      ]);

      // Audit search with the API's filters and paging, then the export of the same filter.
      await page.goto(`${as}/compliance`);
      await page.getByLabel('Consent id', { exact: true }).fill(pfm.consentId);
      await page.getByLabel(/Per page/).fill('1');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: 'Next page' }).waitFor();
      await page.screenshot({ path: join(shots, 'search.png'), fullPage: true });
      const first = await page.locator('tbody tr').first().innerText();
      await page.getByRole('link', { name: 'Next page' }).click();
      await page.locator('tbody tr').first().waitFor();
      expect(await page.locator('tbody tr').first().innerText()).not.toBe(first);
      const csv = await page.request.get(
        `${as}/compliance/export?consentId=${encodeURIComponent(pfm.consentId)}&format=csv`,
      );
      expect(csv.status()).toBe(200);
      const lines = (await csv.text()).trim().split('\n');
      expect(lines[0]).toMatch(/^seq,idx,at,/);
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines.slice(1)) expect(line).toContain(pfm.consentId);

      expect(foreign).toEqual([]);
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
