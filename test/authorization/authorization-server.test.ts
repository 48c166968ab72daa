import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { chromium } from 'playwright-core';
import { allPermissions } from '../../src/shared/auth/permissions.ts';
import { hashSecret } from '../../src/subgraphs/consent/services/secret-hash.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAudit } from '../../src/shared/audit/index.ts';
import { startTestSystem, expectNoErrors, type TestSystem } from '../support/system.ts';
import { accountValues, basicAuth, Browser, hidden, pkce, totpFor } from './as-client.ts';

const client = { id: 'demo-pfm', secret: 'demo-pfm-secret' };
const redirectUri = 'http://localhost:3000/callback';
const issuer = 'http://ledgergraph.test';

let t: TestSystem;
let as: string;

beforeAll(async () => {
  // Four failures lock a PSU out (three free, the fourth locks), so no test waits out a delay.
  t = await startTestSystem({ SIGNIN_MAX_FAILURES: '4', SIGNIN_LOCKOUT_SECONDS: '600' });
  as = t.system.subgraphUrls.consent;
});
afterAll(() => t?.stop());

async function createConsent(permissions = ['ReadAccountsDetail', 'ReadBalances']) {
  const token = await t.tokens.client(client.id, client.secret);
  const res = await t.execute<{ requestConsent: { id: string } }>(
    token,
    'mutation($p: [ConsentPermission!]!) { requestConsent(input: { permissions: $p }) { id } }',
    { p: permissions },
  );
  expectNoErrors(res);
  return res.data!.requestConsent.id;
}

async function push(
  params: Record<string, string>,
  auth: string | null = basicAuth(client.id, client.secret),
) {
  const res = await fetch(`${as}/oauth/par`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(auth ? { authorization: auth } : {}),
    },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** A valid pushed request for a fresh consent; `override` changes or (undefined) drops params. */
async function pushed(override: Record<string, string | undefined> = {}) {
  const consentId = await createConsent();
  const { verifier, challenge } = pkce();
  const state = randomBytes(12).toString('base64url');
  const params: Record<string, string | undefined> = {
    client_id: client.id,
    response_type: 'code',
    scope: 'accounts',
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    consent_id: consentId,
    ...override,
  };
  const defined = Object.fromEntries(
    Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const par = await push(defined);
  return { ...par, consentId, verifier, state };
}

const authorizeUrl = (requestUri: string) =>
  `${as}/oauth/authorize?client_id=${client.id}&request_uri=${encodeURIComponent(requestUri)}`;

async function signIn(
  b: Browser,
  requestUri: string,
  otp = totpFor('alice'),
  password = 'alice-sandbox',
) {
  const page = await b.follow(authorizeUrl(requestUri), as);
  const html = await page.res.text();
  expect(page.res.status, html).toBe(200);
  const form = b.postForm({
    csrf: hidden(html, 'csrf'),
    username: 'alice',
    password,
    otp,
  });
  return b.follow(`${page.at}/login`, as, form);
}

/** PAR → authorize → sign-in → approve: the redirect back to the client. */
async function authorised(b = new Browser()) {
  const p = await pushed();
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  const consentPage = await signIn(b, p.body.request_uri!);
  const html = await consentPage.res.text();
  expect(consentPage.res.status, html).toBe(200);
  const accounts = accountValues(html);
  expect(accounts.length).toBeGreaterThan(0);
  const back = await b.follow(
    `${consentPage.at}/consent`,
    as,
    b.postForm({
      csrf: hidden(html, 'csrf'),
      decision: 'approve',
      account: accounts,
    }),
  );
  expect(back.location, `ended at ${back.at}: ${back.res.status}`).toBeDefined();
  const callback = new URL(back.location!);
  return { ...p, callback, code: callback.searchParams.get('code') ?? '', accounts };
}

async function token(form: Record<string, string>, auth = basicAuth(client.id, client.secret)) {
  const res = await fetch(`${as}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

const redeem = (code: string, verifier: string, extra: Record<string, string> = {}) =>
  token({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
    ...extra,
  });

describe('authorization server (FAPI 2.0: PAR, PKCE S256, iss, consent-bound tokens)', () => {
  it('publishes RFC 8414 metadata: PAR required, S256 only, iss in the response', async () => {
    const res = await fetch(`${as}/.well-known/oauth-authorization-server`);
    expect(res.status).toBe(200);
    const meta = (await res.json()) as Record<string, unknown>;
    expect(meta.issuer).toBe(issuer);
    expect(meta.require_pushed_authorization_requests).toBe(true);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.authorization_response_iss_parameter_supported).toBe(true);
    expect(meta.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['private_key_jwt', 'client_secret_basic']),
    );
    expect(meta.grant_types_supported).not.toContain('password');
  });

  it('PAR → sign-in (password + TOTP) → consent → code → token → a read through the gateway', async () => {
    const flow = await authorised();
    expect(flow.callback.origin + flow.callback.pathname).toBe(redirectUri);
    expect(flow.callback.searchParams.get('state')).toBe(flow.state);
    expect(flow.callback.searchParams.get('iss')).toBe(issuer);
    const issued = await redeem(flow.code, flow.verifier);
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    expect(issued.body.refresh_token).toBeTruthy();
    const claims = JSON.parse(
      Buffer.from(issued.body.access_token!.split('.')[1]!, 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(claims).toMatchObject({ consent_id: flow.consentId, sub: 'psu_alice', iss: issuer });
    const read = await t.execute<{ accounts: { id: string }[] }>(
      issued.body.access_token,
      '{ accounts { id } }',
    );
    expectNoErrors(read);
    expect(read.data!.accounts.map((a) => a.id).sort()).toEqual([...flow.accounts].sort());
  });
});

const refresh = (refreshToken: string) =>
  token({ grant_type: 'refresh_token', refresh_token: refreshToken });

describe('authorization server refuses what FAPI 2.0 forbids', () => {
  it('an authorization request that was not pushed is refused, without a redirect', async () => {
    const { challenge } = pkce();
    const res = await fetch(
      `${as}/oauth/authorize?${new URLSearchParams({
        client_id: client.id,
        response_type: 'code',
        scope: 'accounts',
        redirect_uri: 'https://attacker.example/cb',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })}`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('an unregistered redirect_uri is refused at the pushed request', async () => {
    const p = await pushed({ redirect_uri: 'https://attacker.example/callback' });
    expect(p.status).toBe(400);
    expect(p.body.error).toMatch(/^invalid_(redirect_uri|request)$/);
    expect(p.body.error_description).toMatch(/redirect_uri/);
  });

  it('a registered redirect_uri altered by a path, port or trailing slash is refused', async () => {
    for (const altered of [
      'http://localhost:3000/callback/',
      'http://localhost:3000/callback?x=1',
      'http://localhost:3001/callback',
      'http://LOCALHOST:3000/callback/../callback',
    ]) {
      const p = await pushed({ redirect_uri: altered });
      expect(p.status, altered).toBe(400);
    }
  });

  it('the redirect_uri is required and must match again at the token endpoint', async () => {
    const missing = await pushed({ redirect_uri: undefined });
    expect(missing.status).toBe(400);
    const flow = await authorised();
    const other = await redeem(flow.code, flow.verifier, {
      redirect_uri: 'http://localhost:3001/callback',
    });
    expect(other.status).toBe(400);
    expect(other.body.error).toBe('invalid_grant');
  });

  it('PKCE is required, S256 only', async () => {
    const none = await pushed({ code_challenge: undefined, code_challenge_method: undefined });
    expect(none.status).toBe(400);
    const plain = await pushed({ code_challenge_method: 'plain' });
    expect(plain.status).toBe(400);
  });

  it('a missing or wrong code_verifier does not redeem the code; the right one still does', async () => {
    const flow = await authorised();
    const wrong = await redeem(flow.code, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');
    const missing = await token({
      grant_type: 'authorization_code',
      code: flow.code,
      redirect_uri: redirectUri,
    });
    expect(missing.status).toBe(400);
    expect((await redeem(flow.code, flow.verifier)).status).toBe(200);
  });

  it('a code redeems once; the second use is invalid_grant', async () => {
    const flow = await authorised();
    expect((await redeem(flow.code, flow.verifier)).status).toBe(200);
    const again = await redeem(flow.code, flow.verifier);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('a code is bound to its client: another client cannot redeem it', async () => {
    const flow = await authorised();
    const other = await token(
      {
        grant_type: 'authorization_code',
        code: flow.code,
        redirect_uri: redirectUri,
        code_verifier: flow.verifier,
      },
      basicAuth('demo-basic', 'demo-basic-secret'),
    );
    expect(other.status).toBe(400);
    expect(other.body.error).toBe('invalid_grant');
  });

  it('a wrong client secret is refused at the pushed request', async () => {
    const p = await push(
      { client_id: client.id, response_type: 'code' },
      basicAuth(client.id, 'not-the-secret'),
    );
    expect(p.status).toBe(401);
    expect(p.body.error).toBe('invalid_client');
  });

  it('a consent of another client, or one already decided, cannot be pushed', async () => {
    const foreign = await pushed({ consent_id: 'cns_does-not-exist' });
    expect(foreign.status).toBe(400);
    const flow = await authorised();
    const decided = await pushed({ consent_id: flow.consentId });
    expect(decided.status).toBe(400);
  });

  it('an expired request_uri is refused with an error page, not a redirect', async () => {
    const p = await pushed();
    const id = p.body.request_uri!.split(':').pop()!;
    await t.system.db.consent.oidcPayload.update({
      where: { key: `PushedAuthorizationRequest:${id}` },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const res = await new Browser().go(authorizeUrl(p.body.request_uri!));
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toMatch(/request_uri/i);
  });

  it('an open redirect through the query is ignored: the pushed redirect_uri wins', async () => {
    const b = new Browser();
    const p = await pushed();
    const page = await b.follow(
      `${authorizeUrl(p.body.request_uri!)}&redirect_uri=${encodeURIComponent('https://attacker.example/cb')}`,
      as,
    );
    // Either refused outright or carried on to sign-in; never a redirect to the attacker.
    expect(page.location ?? '').not.toContain('attacker.example');
    expect(page.at).not.toContain('attacker.example');
  });

  it('a state and redirect_uri slipped into the authorize query never come back: the pushed ones do', async () => {
    const b = new Browser();
    const p = await pushed();
    const forged = `${authorizeUrl(p.body.request_uri!)}&state=forged&redirect_uri=${encodeURIComponent('https://attacker.example/cb')}`;
    const page = await b.follow(forged, as);
    const html = await page.res.text();
    expect(page.res.status, html).toBe(200);
    const consent = await b.follow(
      `${page.at}/login`,
      as,
      b.postForm({
        csrf: hidden(html, 'csrf'),
        username: 'alice',
        password: 'alice-sandbox',
        otp: totpFor('alice'),
      }),
    );
    const form = await consent.res.text();
    const back = await b.follow(
      `${consent.at}/consent`,
      as,
      b.postForm({ csrf: hidden(form, 'csrf'), decision: 'approve', account: accountValues(form) }),
    );
    const cb = new URL(back.location!);
    expect(`${cb.origin}${cb.pathname}`).toBe(redirectUri);
    expect(cb.searchParams.get('state')).toBe(p.state);
    expect(cb.searchParams.get('code')).toBeTruthy();
  });

  it('deny: the consent is Rejected and the client gets access_denied with its state and iss', async () => {
    const b = new Browser();
    const p = await pushed();
    const consent = await signIn(b, p.body.request_uri!);
    const html = await consent.res.text();
    const back = await b.follow(
      `${consent.at}/consent`,
      as,
      b.postForm({ csrf: hidden(html, 'csrf'), decision: 'deny' }),
    );
    const cb = new URL(back.location!);
    expect(cb.searchParams.get('error')).toBe('access_denied');
    expect(cb.searchParams.get('state')).toBe(p.state);
    expect(cb.searchParams.get('iss')).toBe(issuer);
    const row = await t.system.db.consent.consent.findUniqueOrThrow({ where: { id: p.consentId } });
    expect(row.status).toBe('Rejected');
  });

  it('a form without its CSRF token is refused', async () => {
    const b = new Browser();
    const p = await pushed();
    const page = await b.follow(authorizeUrl(p.body.request_uri!), as);
    await page.res.text();
    const res = await b.go(
      `${page.at}/login`,
      b.postForm({ username: 'alice', password: 'alice-sandbox', otp: totpFor('alice') }),
    );
    expect(res.status).toBe(403);
  });

  it('the right password without the right TOTP code does not sign in', async () => {
    const b = new Browser();
    const p = await pushed();
    const wrongCode = String((Number(totpFor('bob')) + 500_000) % 1_000_000).padStart(6, '0');
    const page = await b.follow(authorizeUrl(p.body.request_uri!), as);
    const html = await page.res.text();
    const res = await b.go(
      `${page.at}/login`,
      b.postForm({
        csrf: hidden(html, 'csrf'),
        username: 'bob',
        password: 'bob-sandbox',
        otp: wrongCode,
      }),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('not right');
  });

  it('repeated failures lock the PSU out (429 + Retry-After), audited', async () => {
    const b = new Browser();
    const p = await pushed();
    const page = await b.follow(authorizeUrl(p.body.request_uri!), as);
    const csrf = hidden(await page.res.text(), 'csrf');
    const attempt = (password: string, otp = totpFor('carol')) =>
      b.go(`${page.at}/login`, b.postForm({ csrf, username: 'carol', password, otp }));
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt(`wrong-${i}`)).status);
    expect(statuses).toEqual([400, 400, 400, 400]);
    const locked = await attempt('carol-sandbox');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(590);
    const audit = await searchAudit(
      t.system.audit.db,
      { psuId: 'psu_carol', fieldPath: 'Security.credentialLockout' },
      { first: 5 },
    );
    expect(audit.records).toHaveLength(1);
  });

  it('pages refuse framing and scripts (CSP frame-ancestors, X-Frame-Options)', async () => {
    const b = new Browser();
    const p = await pushed();
    const page = await b.follow(authorizeUrl(p.body.request_uri!), as);
    await page.res.text();
    for (const res of [page.res, await fetch(`${as}/signin/not-an-interaction-id`)]) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    const err = await new Browser().go(authorizeUrl('urn:ietf:params:oauth:request_uri:nope'));
    expect(err.headers.get('x-frame-options')).toBe('DENY');
    expect(err.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});

describe('refresh tokens: bound to the consent, rotated, reuse revokes the family', () => {
  it('each refresh rotates; reusing an old one revokes every token of the grant', async () => {
    const flow = await authorised();
    const first = await redeem(flow.code, flow.verifier);
    const rt1 = first.body.refresh_token!;
    const second = await refresh(rt1);
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    const rt2 = second.body.refresh_token!;
    expect(rt2).not.toBe(rt1);
    const claims = JSON.parse(
      Buffer.from(second.body.access_token!.split('.')[1]!, 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(claims.consent_id).toBe(flow.consentId);

    const reused = await refresh(rt1);
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
    // The thief's reuse also ended the legitimate holder's newer token.
    const after = await refresh(rt2);
    expect(after.status).toBe(400);
    expect(after.body.error).toBe('invalid_grant');
  });

  it('a revoked consent ends its refresh tokens', async () => {
    const flow = await authorised();
    const issued = await redeem(flow.code, flow.verifier);
    const clientToken = await t.tokens.client(client.id, client.secret);
    expectNoErrors(
      await t.execute(clientToken, 'mutation($id: ID!) { revokeConsent(id: $id) { id } }', {
        id: flow.consentId,
      }),
    );
    const res = await refresh(issued.body.refresh_token!);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });
});

const executablePath = '/usr/bin/chromium';
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const shots = resolve(import.meta.dirname, '..', '..', 'test-results', 'authorization');

describe.skipIf(!existsSync(executablePath) && !inCi)('hosted pages in headless Chromium', () => {
  it('signs in and approves by keyboard; no page loads anything from another origin', async () => {
    mkdirSync(shots, { recursive: true });
    const browser = await chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      // The client app's callback, registered for it here: Chromium really follows the redirect.
      const app = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<h1>Back at the client app</h1>');
      });
      await new Promise<void>((ok) => app.listen(0, '127.0.0.1', ok));
      const appCallback = `http://127.0.0.1:${(app.address() as AddressInfo).port}/callback`;
      await t.system.db.consent.clientApp.update({
        where: { id: client.id },
        data: { redirectUris: JSON.stringify([redirectUri, appCallback]) },
      });
      const page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
      const foreign: string[] = [];
      const violations: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(as) && !r.url().startsWith(appCallback)) foreign.push(r.url());
      });
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      const p = await pushed({ redirect_uri: appCallback });
      await page.goto(authorizeUrl(p.body.request_uri!));
      await page.screenshot({ path: join(shots, 'signin.png'), fullPage: true });

      // Keyboard only: the labels name the fields, Tab moves through them in order.
      await page.getByLabel('Username').focus();
      await page.keyboard.type('alice');
      await page.keyboard.press('Tab');
      await page.keyboard.type('wrong-password');
      await page.keyboard.press('Tab');
      await page.keyboard.type(totpFor('alice'));
      await page.keyboard.press('Enter');
      await page.getByRole('alert').waitFor();
      await page.screenshot({ path: join(shots, 'signin-error.png'), fullPage: true });

      await page.getByLabel('Password').fill('alice-sandbox');
      await page.getByLabel(/One-time code/).fill(totpFor('alice'));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: /Share your bank data/ }).waitFor();
      await page.screenshot({ path: join(shots, 'consent.png'), fullPage: true });

      await page.getByRole('button', { name: 'Allow access' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`${appCallback}**`);
      const back = new URL(page.url());
      expect(back.searchParams.get('code')).toBeTruthy();
      expect(back.searchParams.get('state')).toBe(p.state);

      await page.goto(`${as}/signin/expired-or-unknown-id`);
      await page.screenshot({ path: join(shots, 'error.png'), fullPage: true });
      expect(foreign).toEqual([]);
      expect(violations).toEqual([]);
      app.close();
    } finally {
      await browser.close();
    }
  });
});

describe('private_key_jwt client authentication (a client with a registered JWKS)', () => {
  const fapi = { id: 'fapi-test-app', secret: 'fapi-test-secret' };
  let key: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    key = pair.privateKey as CryptoKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    await t.system.db.consent.clientApp.create({
      data: {
        id: fapi.id,
        name: 'FAPI Test App',
        secretHash: await hashSecret(fapi.secret),
        allowedPermissions: allPermissions.join(' '),
        platformScopes: 'consents:manage',
        redirectUris: JSON.stringify(['https://fapi.example/cb']),
        jwks: JSON.stringify({ keys: [jwk] }),
      },
    });
  });

  const assertion = (signer: CryptoKey = key, aud = issuer) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(fapi.id)
      .setSubject(fapi.id)
      .setAudience(aud)
      .setJti(randomBytes(12).toString('hex'))
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime('60s')
      .sign(signer);

  async function pushAs(auth: 'jwt' | 'basic' | 'foreign-key') {
    const token = await t.tokens.client(fapi.id, fapi.secret);
    const created = await t.execute<{ requestConsent: { id: string } }>(
      token,
      'mutation { requestConsent(input: { permissions: [ReadAccountsBasic, ReadBalances] }) { id } }',
    );
    expectNoErrors(created);
    const params: Record<string, string> = {
      client_id: fapi.id,
      response_type: 'code',
      scope: 'accounts',
      redirect_uri: 'https://fapi.example/cb',
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
      consent_id: created.data!.requestConsent.id,
    };
    if (auth !== 'basic') {
      const signer =
        auth === 'jwt'
          ? key
          : ((await generateKeyPair('ES256', { extractable: true })).privateKey as CryptoKey);
      params.client_assertion_type = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
      params.client_assertion = await assertion(signer);
    }
    return push(params, auth === 'basic' ? basicAuth(fapi.id, fapi.secret) : null);
  }

  it('a pushed request signed with the registered key is accepted', async () => {
    const p = await pushAs('jwt');
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    expect(p.body.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:/);
  });

  it('an assertion signed with another key is invalid_client', async () => {
    const p = await pushAs('foreign-key');
    expect(p.status).toBe(401);
    expect(p.body.error).toBe('invalid_client');
  });

  it('a client registered for private_key_jwt cannot fall back to its secret', async () => {
    const p = await pushAs('basic');
    expect(p.status).toBe(401);
    expect(p.body.error).toBe('invalid_client');
  });
});
