import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * The playground in a real browser: Debian's Chromium (installed by .ci/run), driven by
 * playwright-core, which downloads nothing. Outside CI a missing Chromium skips with a
 * message; in CI it fails.
 */
const executablePath = '/usr/bin/chromium';
const haveChromium = existsSync(executablePath);
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const screenshot = resolve(import.meta.dirname, '..', '..', 'test-results', 'playground.png');

if (!haveChromium && !inCi) {
  console.warn(
    `playground browser test skipped: no Chromium at ${executablePath} (apt-get install -y chromium)`,
  );
}

describe.skipIf(!haveChromium && !inCi)('GraphiQL playground in headless Chromium', () => {
  let t: TestSystem;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!haveChromium) {
      throw new Error(
        `Chromium is missing at ${executablePath}; .ci/run installs it with apt-get install -y chromium`,
      );
    }
    t = await startTestSystem();
    browser = await chromium.launch({
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('request', (r) => requested.push(r.url()));
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  const response = () => page.locator('.graphiql-response');

  it('loads GraphiQL from the gateway', async () => {
    await page.goto(`${t.url}/playground`);
    await page.locator('.graphiql-container').waitFor({ state: 'visible' });
    await page.locator('.graphiql-editor .view-lines').first().waitFor({ state: 'visible' });
    expect(await page.title()).toBe('Ledgergraph playground');
  });

  it('gets a sandbox token, runs the consent list query and shows the result', async () => {
    await page.locator('#sandbox-token').click();
    const status = page.locator('#token-status');
    await expect
      .poll(() => status.textContent(), { timeout: 15_000 })
      .toMatch(/Sandbox tokens for demo-pfm/);
    const consentId = /consent (\S+)/.exec((await status.textContent()) ?? '')![1]!;

    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => response().innerText(), { timeout: 15_000 }).toContain(consentId);
    expect(await response().innerText()).toContain('"Authorised"');
  });

  it('walks consent → accounts → balances in the second example tab', async () => {
    await page.locator('.graphiql-tab').nth(1).click();
    await expect
      .poll(() => page.locator('.graphiql-tab-active').innerText())
      .toContain('ConsentDashboard');
    await expect
      .poll(() => page.locator('.graphiql-query-editor').innerText())
      .toContain('balances');
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => response().innerText(), { timeout: 15_000 }).toContain('"balances"');
  });

  it('shows the supergraph docs (introspection with the token)', async () => {
    await page.getByRole('button', { name: /documentation explorer/i }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await expect.poll(() => docs.innerText(), { timeout: 15_000 }).toContain('Query');
    mkdirSync(join(screenshot, '..'), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(existsSync(screenshot)).toBe(true);
  });

  it('loaded everything from the gateway itself, with no script errors', () => {
    const foreign = requested.filter(
      (u) => !u.startsWith(t.url) && !u.startsWith('data:') && !u.startsWith('blob:'),
    );
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
