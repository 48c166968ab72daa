import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.ts';

describe('access tokens from the token endpoint (RFC 9068 profile)', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({ SANDBOX_TRANSACTIONS_PER_ACCOUNT: '10' });
  });
  afterAll(() => t.stop());

  it('client_credentials: sub is the client, no PSU, no acr', async () => {
    const token = await t.tokens.client();
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const c = decodeJwt(token);
    expect(c).toMatchObject({
      sub: 'demo-pfm',
      client_id: 'demo-pfm',
      scope: 'consents:manage',
      aud: 'ledgergraph',
    });
    expect(c.acr).toBeUndefined();
    expect(c.exp! - c.iat!).toBe(300);
  });

  it('a consent-bound token states single-factor customer authentication, never SCA', async () => {
    const c = await t.authorisedConsent({ permissions: ['ReadAccountsDetail'] });
    const claims = decodeJwt(c.token);
    expect(claims).toMatchObject({
      sub: 'psu_alice',
      consent_id: c.consentId,
      acr: 'urn:openbanking:psd2:ca',
    });
    expect(String(claims.scope).split(' ').sort()).toEqual([
      'ReadAccountsBasic',
      'ReadAccountsDetail',
    ]);
    // Redeemed from the code of the redirect flow: the PSU's own token is not ours at all.
    expect(decodeJwt(c.psuToken).iss).toBe(t.testIdp.issuer);
  });

  it('answers OAuth errors in RFC 6749 form without a token', async () => {
    const res = await fetch(`${t.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'demo-pfm',
        client_secret: 'wrong',
      }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      error: 'invalid_client',
      error_description: 'Client authentication failed',
    });
    const unsupported = await fetch(`${t.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'implicit',
        client_id: 'demo-pfm',
        client_secret: 'demo-pfm-secret',
      }),
    });
    expect(unsupported.status).toBe(400);
    expect(((await unsupported.json()) as { error: string }).error).toBe('unsupported_grant_type');
  });

  it('has no password grant: unsupported_grant_type (400), even with a PSU’s right password', async () => {
    const res = await fetch(`${t.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        username: 'alice',
        password: 'alice-sandbox',
        client_id: 'demo-pfm',
        client_secret: 'demo-pfm-secret',
      }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { error: string; access_token?: string };
    expect(body.error).toBe('unsupported_grant_type');
    expect(body.access_token).toBeUndefined();
  });

  it('knows no first-party consent screen client: its published secret is refused (401)', async () => {
    const res = await fetch(`${t.url}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('ledgergraph-consent-ui:consent-ui-secret').toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'password', username: 'alice', password: 'x' }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client');
  });
});
