import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgroundRoutes } from '../../src/gateway/playground/index.ts';
import { warnIfSandboxTokenExposed } from '../../src/gateway/playground/exposure.ts';
import { loadConfig } from '../../src/shared/config/index.ts';
import { loadServiceConfig } from '../../src/shared/config/services.ts';
import { createRouter, listen, type Listening } from '../../src/shared/http/server.ts';
import { createLogger } from '../../src/shared/log/index.ts';

/**
 * Issue 15.3: the playground's sandbox token is not a free token. The playground's routes
 * served over real HTTP; the demo flow points at a closed port, so a request the guard lets
 * through fails there (502) instead of costing a whole consent flow: the guard runs first.
 */
describe('POST /playground/sandbox-token', () => {
  let server: Listening;
  let base: string;
  let cookie: string;
  let csrf: string;

  beforeAll(async () => {
    const routes = playgroundRoutes({
      graphqlPath: '/graphql',
      sandbox: {
        authorizationServer: 'http://127.0.0.1:9',
        credentials: {
          client: { id: 'demo-pfm', secret: 'x', redirectUri: 'http://localhost:3000/callback' },
          psu: { username: 'alice', password: 'x', totpSecret: 'JBSWY3DPEHPK3PXP' },
          permissions: [],
        },
        run: () => Promise.reject(new Error('not reached')),
        perMinute: 3,
      },
    });
    server = await listen(createRouter(routes), 0, '127.0.0.1');
    base = server.url;
    const page = await fetch(`${base}/playground`);
    const set = page.headers.get('set-cookie')!;
    cookie = set.split(';')[0]!;
    const config = /<script id="playground-config" type="application\/json">([^<]*)</.exec(
      await page.text(),
    )![1]!;
    csrf = (JSON.parse(config) as { csrfToken: string }).csrfToken;
  }, 120_000);
  afterAll(() => server?.close());

  const post = (headers: Record<string, string>) =>
    fetch(`${base}/playground/sandbox-token`, { method: 'POST', headers });
  const sameOrigin = () => ({
    origin: base,
    'sec-fetch-site': 'same-origin',
    cookie,
    'x-csrf-token': csrf,
  });
  const codeOf = async (res: Response) =>
    ((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions
      .code;

  it('the page sets an HttpOnly SameSite=Strict cookie and embeds the same CSRF token', async () => {
    const page = await fetch(`${base}/playground`);
    const set = page.headers.get('set-cookie')!;
    expect(set).toMatch(/^lg_playground_csrf=[A-Za-z0-9_-]{43}; Path=\/playground; /);
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Strict');
    expect(cookie).toBe(`lg_playground_csrf=${csrf}`);
    // A browser that already holds a token gets the same one, so two tabs both work.
    const again = await fetch(`${base}/playground`, { headers: { cookie } });
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await again.text()).toContain(csrf);
  });

  it('refuses a cross-site Origin with 403, even with the cookie and token', async () => {
    const res = await post({ ...sameOrigin(), origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe('FORBIDDEN');
    const sibling = await post({ ...sameOrigin(), origin: `http://other.${new URL(base).host}` });
    expect(sibling.status).toBe(403);
  });

  it('refuses when Sec-Fetch-Site is not same-origin, or Origin is missing', async () => {
    for (const site of ['cross-site', 'same-site', 'none']) {
      expect((await post({ ...sameOrigin(), 'sec-fetch-site': site })).status, site).toBe(403);
    }
    const { origin: _o, ...noOrigin } = sameOrigin();
    expect((await post(noOrigin)).status).toBe(403);
  });

  it('refuses a missing or wrong CSRF token, or a missing cookie, with 403', async () => {
    const { 'x-csrf-token': _t, ...noHeader } = sameOrigin();
    expect((await post(noHeader)).status).toBe(403);
    const wrong = `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`;
    expect((await post({ ...sameOrigin(), 'x-csrf-token': wrong })).status).toBe(403);
    const { cookie: _c, ...noCookie } = sameOrigin();
    expect((await post(noCookie)).status).toBe(403);
  });

  it('lets the page through, a few times a minute per address, then 429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(sameOrigin())).status);
    // Past the guard: the flow itself failed at the (closed) authorization server.
    expect(statuses).toEqual([502, 502, 502]);
    const limited = await post(sameOrigin());
    expect(limited.status).toBe(429);
    expect(await codeOf(limited)).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('PLAYGROUND_SANDBOX_TOKEN default', () => {
  const sandboxOn = (env: Record<string, string>) => loadConfig(env).gateway.playgroundSandboxToken;

  it('is on by default only for a loopback HOST', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', '::1', '[::1]', 'localhost']) {
      expect(sandboxOn({ HOST: host }), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.2', '2001:db8::1', 'gateway']) {
      expect(sandboxOn({ HOST: host }), host).toBe(false);
    }
    expect(loadServiceConfig('gateway', { HOST: '0.0.0.0' }).gateway.playgroundSandboxToken).toBe(
      false,
    );
  });

  it('explicit values win: false on loopback; true elsewhere starts, with a loud warning', () => {
    expect(sandboxOn({ HOST: '127.0.0.1', PLAYGROUND_SANDBOX_TOKEN: 'false' })).toBe(false);
    const lines: string[] = [];
    const log = createLogger('info', (l) => lines.push(l));
    const exposed = loadConfig({ HOST: '0.0.0.0', PLAYGROUND_SANDBOX_TOKEN: 'true' });
    expect(exposed.gateway.playgroundSandboxToken).toBe(true);
    expect(warnIfSandboxTokenExposed(exposed, true, log)).toBe(true);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', host: '0.0.0.0' });
    expect(lines[0]).toMatch(/PLAYGROUND_SANDBOX_TOKEN=true on HOST=0\.0\.0\.0/);
    // Nothing to warn about on loopback, or without demo data.
    expect(warnIfSandboxTokenExposed(loadConfig({}), true, log)).toBe(false);
    const noDemo = loadConfig({
      HOST: '0.0.0.0',
      PLAYGROUND_SANDBOX_TOKEN: 'true',
      SEED_DEMO_DATA: 'false',
    });
    expect(warnIfSandboxTokenExposed(noDemo, true, log)).toBe(false);
    expect(lines).toHaveLength(1);
  });
});
