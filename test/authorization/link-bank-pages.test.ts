/**
 * Linking a bank from the hosted pages, over HTTP: the dashboard's "Link a bank" form and
 * the consent screen's, each a CSRF-protected POST that calls connectBank as the signed-in
 * PSU and sends the browser to the bank's own login page; the way back lands on our page.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAtBank } from '../support/bank-login.ts';
import { expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';
import { accountValues, basicAuth, Browser, hidden, pkce, totpFor } from './as-client.ts';

let t: TestSystem;
/** The consent service, reached directly (its origin is on the return-URL allow-list). */
let as: string;

beforeAll(async () => {
  t = await startTestSystem();
  as = t.system.subgraphUrls.consent;
});
afterAll(() => t?.stop());

const bankOrigin = (id: string) => new URL(t.system.banks.find((b) => b.id === id)!.baseUrl).origin;
const connections = (psuId: string) => t.system.db.accounts.connection.count({ where: { psuId } });

async function dashboard(username: string) {
  const b = new Browser();
  const form = await (await b.go(`${as}/account/signin`)).text();
  const signedIn = await b.go(
    `${as}/account/signin`,
    b.postForm({
      csrf: hidden(form, 'csrf'),
      username,
      password: `${username}-sandbox`,
      otp: totpFor(username),
    }),
  );
  expect(signedIn.status).toBe(303);
  const html = await (await b.go(`${as}/account/access`)).text();
  return { b, html, csrf: hidden(html, 'csrf') };
}

describe('linking a bank from the access dashboard', () => {
  it('lists the banks to link as labelled radio buttons in a form with a CSRF token', async () => {
    const { html } = await dashboard('bob');
    expect(html).toContain('<h2 id="link-bank">Link a bank</h2>');
    expect(html).toContain('action="/account/access/banks/link"');
    for (const bank of t.system.banks) {
      expect(html).toMatch(
        new RegExp(`type="radio" id="(bank-\\d+)" name="bank" value="${bank.id}"`),
      );
    }
    const radio = /<label class="choice" for="(bank-0)">\s*<input type="radio" id="(bank-0)"/.exec(
      html,
    );
    expect(radio?.[1]).toBe(radio?.[2]);
  });

  it('without the CSRF token, or with another session’s, is 403 and starts nothing', async () => {
    const bob = await dashboard('bob');
    const other = await dashboard('bob');
    const before = await connections('psu_bob');
    for (const csrf of [undefined, other.csrf]) {
      const res = await bob.b.go(
        `${as}/account/access/banks/link`,
        bob.b.postForm({ bank: 'sandbox-obie', ...(csrf ? { csrf } : {}) }),
      );
      expect(res.status).toBe(403);
      expect(res.headers.get('location')).toBeNull();
    }
    // No session at all: to sign-in, nothing started either.
    const stranger = new Browser();
    const res = await stranger.go(
      `${as}/account/access/banks/link`,
      stranger.postForm({ bank: 'sandbox-obie', csrf: bob.csrf }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/account\/signin/);
    expect(await connections('psu_bob')).toBe(before);
  });

  it('an unknown bank, or none chosen, is a page saying so (4xx, not 500) and starts nothing', async () => {
    const bob = await dashboard('bob');
    const before = await connections('psu_bob');
    const unknown = await bob.b.go(
      `${as}/account/access/banks/link`,
      bob.b.postForm({ bank: 'no-such-bank', csrf: bob.csrf }),
    );
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await unknown.text()).toContain('We cannot link that bank.');
    const none = await bob.b.go(
      `${as}/account/access/banks/link`,
      bob.b.postForm({ csrf: bob.csrf }),
    );
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('Choose the bank to link.');
    expect(await connections('psu_bob')).toBe(before);
  });

  it('sends the browser to the bank’s own login page only; back through the callback to the dashboard with the new link', async () => {
    const bob = await dashboard('bob');
    const res = await bob.b.go(
      `${as}/account/access/banks/link`,
      bob.b.postForm({ bank: 'sandbox-bg', csrf: bob.csrf }),
    );
    expect(res.status).toBe(303);
    const bankPage = new URL(res.headers.get('location')!);
    expect(bankPage.origin).toBe(bankOrigin('sandbox-bg'));
    expect(bankPage.pathname).toMatch(/^\/login\//);
    const pending = await t.system.db.accounts.connection.findFirstOrThrow({
      where: { psuId: 'psu_bob', bankId: 'sandbox-bg', status: 'AwaitingAuthorisation' },
    });

    // The PSU at the bank; the bank sends the browser to our callback, which to our page.
    const callback = await loginAtBank(t, 'sandbox-bg', bankPage.href, { username: 'bob' });
    const back = await bob.b.go(callback);
    expect(back.status).toBe(303);
    const landing = new URL(back.headers.get('location')!);
    expect(landing.origin + landing.pathname).toBe(`${as}/account/access/linked`);
    expect(landing.searchParams.get('connectionId')).toBe(pending.id);
    expect(landing.searchParams.get('status')).toBe('Active');

    const onward = await bob.b.go(landing.href);
    expect(onward.status).toBe(303);
    expect(onward.headers.get('location')).toBe('/account/access?done=linked');
    const html = await (await bob.b.go(`${as}/account/access?done=linked`)).text();
    expect(html).toContain('Bank linked.');
    expect(html).toContain(`name="connection" value="${pending.id}"`);
  });

  it('back from the bank without the session cookie (SameSite=Strict after another site): a page that goes on to the dashboard', async () => {
    const res = await new Browser().go(
      `${as}/account/access/linked?connectionId=x&status=Rejected`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('refresh')).toBe('0; url=/account/access?done=link-refused');
    expect(await res.text()).toContain('<a href="/account/access?done=link-refused">');
  });
});

describe('linking a bank from the consent screen', () => {
  it('links a bank and comes back to the same authorization request, with its accounts to pick', async () => {
    // Carol has unlinked one bank: its accounts are not offered until she links it again.
    const services = t.system.services;
    const v4 = (await services.connections.list('psu_carol')).find(
      (c) => c.bankId === 'sandbox-obie-v4' && c.status === 'Active',
    )!;
    await services.connections.disconnect('psu_carol', v4.id);
    const clientToken = await t.tokens.client('demo-pfm', 'demo-pfm-secret');
    const requested = await t.execute<{ requestConsent: { id: string } }>(
      clientToken,
      'mutation { requestConsent(input: { permissions: [ReadAccountsBasic] }) { id } }',
    );
    expectNoErrors(requested);
    const { challenge } = pkce();
    const par = await fetch(`${as}/oauth/par`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth('demo-pfm', 'demo-pfm-secret'),
      },
      body: new URLSearchParams({
        client_id: 'demo-pfm',
        response_type: 'code',
        scope: 'accounts',
        redirect_uri: 'http://localhost:3000/callback',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: randomBytes(8).toString('base64url'),
        consent_id: requested.data!.requestConsent.id,
      }),
    });
    const { request_uri: requestUri } = (await par.json()) as { request_uri: string };
    const b = new Browser();
    const signin = await b.follow(
      `${as}/oauth/authorize?client_id=demo-pfm&request_uri=${encodeURIComponent(requestUri)}`,
      as,
    );
    const form = await signin.res.text();
    const consent = await b.follow(
      `${signin.at}/login`,
      as,
      b.postForm({
        csrf: hidden(form, 'csrf'),
        username: 'carol',
        password: 'carol-sandbox',
        otp: totpFor('carol'),
      }),
    );
    const html = await consent.res.text();
    expect(consent.res.status, html).toBe(200);
    const interaction = consent.at;
    expect(html).toContain(`action="${new URL(interaction).pathname}/link"`);
    const before = accountValues(html);

    // Without the interaction's CSRF token: refused, nothing started.
    const count = await connections('psu_carol');
    const forged = await b.go(`${interaction}/link`, b.postForm({ bank: 'sandbox-obie-v4' }));
    expect(forged.status).toBe(403);
    expect(await connections('psu_carol')).toBe(count);

    const res = await b.go(
      `${interaction}/link`,
      b.postForm({ bank: 'sandbox-obie-v4', csrf: hidden(html, 'csrf') }),
    );
    expect(res.status).toBe(303);
    const bankPage = res.headers.get('location')!;
    expect(new URL(bankPage).origin).toBe(bankOrigin('sandbox-obie-v4'));
    const callback = await loginAtBank(t, 'sandbox-obie-v4', bankPage, { username: 'carol' });
    const back = await b.go(callback);
    const returned = new URL(back.headers.get('location')!);
    expect(returned.origin + returned.pathname).toBe(interaction);
    expect(returned.searchParams.get('status')).toBe('Active');

    const again = await b.go(returned.href);
    const after = await again.text();
    expect(again.status, after).toBe(200);
    expect(after).toContain('Bank linked. Its accounts are listed below.');
    expect(after).toContain('Share your bank data with');
    expect(accountValues(after).length).toBeGreaterThan(before.length);
  });
});
