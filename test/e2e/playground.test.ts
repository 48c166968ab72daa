import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng, ink } from '../support/png.ts';
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
  });

  it('screenshots the page with the result and the docs drawn (test-results/playground.png)', async () => {
    const panes = {
      editor: page.locator('.graphiql-query-editor'),
      response: response(),
      docs: page.locator('.graphiql-doc-explorer'),
    };
    const boxes: Record<string, { x: number; y: number; width: number; height: number }> = {};
    for (const [name, pane] of Object.entries(panes)) {
      await pane.waitFor({ state: 'visible' });
      const box = await pane.boundingBox();
      expect(box, name).not.toBeNull();
      expect(box!.width * box!.height, name).toBeGreaterThan(100 * 100);
      boxes[name] = box!;
    }
    mkdirSync(join(screenshot, '..'), { recursive: true });
    rmSync(screenshot, { force: true });
    await page.screenshot({ path: screenshot, fullPage: true });

    const png = decodePng(readFileSync(screenshot));
    expect(png.width).toBe(1400);
    expect(png.height).toBeGreaterThanOrEqual(900);
    expect(ink(png, { x: 0, y: 0, width: png.width, height: png.height }).colours).toBeGreaterThan(
      50,
    );
    // Text is drawn where the DOM says each pane is: the query, its result, the docs.
    for (const [name, box] of Object.entries(boxes)) {
      const drawn = ink(png, box);
      expect(drawn.share, name).toBeGreaterThan(0.01);
      expect(drawn.colours, name).toBeGreaterThan(50);
    }
  });

  it('loaded everything from the gateway itself, with no script errors', () => {
    const foreign = requested.filter(
      (u) => !u.startsWith(t.url) && !u.startsWith('data:') && !u.startsWith('blob:'),
    );
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
