/**
 * Linking a bank through the bank's own login, over real HTTP: connectBank through the
 * gateway, the sandbox bank's authorization endpoint, login and approval pages, and the
 * accounts service's callback, which sends the PSU on to the client's return URL; and an
 * OBIE payment consent authorised on the same pages through the payments callback.
 */
import { generateKeyPairSync, sign as rsaSign, constants } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsent, gbpOrder, payerToken, stepUp, submit } from '../payments/support.ts';
import { followToCallback, linkBank, loginAtBank, startBankLink } from '../support/bank-login.ts';
import { errorCodes, expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';

const returnUrl = 'http://app.test/linked';

describe('linking a bank through its own login', () => {
  let t: TestSystem;
  let psu: string;

  beforeAll(async () => {
    t = await startTestSystem({
      CONNECTION_RETURN_ORIGINS: 'http://app.test',
      // The token exchange that never answers gives up quickly (3 attempts).
      BANK_TIMEOUT_MS: '1000',
      SANDBOX_TRANSACTIONS_PER_ACCOUNT: '5',
    });
    psu = await t.testIdp.psuToken('carol');
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function connection(id: string) {
    const res = await t.execute<{
      bankConnections: { id: string; status: string; accounts: { id: string }[] | null }[];
    }>(psu, '{ bankConnections { id status accounts { id } } }');
    expectNoErrors(res);
    return res.data!.bankConnections.find((c) => c.id === id);
  }

  it('OBIE: signed request object with PKCE, login and approval at the bank, back to the return URL', async () => {
    const started = await startBankLink(t, psu, 'sandbox-obie', returnUrl);
    const authorize = new URL(started.authorisationUrl);
    expect(authorize.pathname).toBe('/authorize');
    const [header, payload] = authorize.searchParams.get('request')!.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({
      alg: 'PS256',
    });
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({
      code_challenge_method: 'S256',
      state: started.state,
      claims: { id_token: { openbanking_intent_id: { value: expect.stringMatching(/^aac-/) } } },
    });
    const back = new URL(
      await loginAtBank(t, 'sandbox-obie', started.authorisationUrl, { username: 'carol' }),
    );
    expect(back.pathname).toBe('/connections/callback');
    expect(back.searchParams.get('state')).toBe(started.state);
    expect(back.searchParams.get('iss')).toBe(new URL(t.sandboxBank('sandbox-obie').url).origin);
    const answer = await followToCallback(back.href);
    expect(answer.status).toBe(303);
    expect(answer.location!.origin + answer.location!.pathname).toBe(returnUrl);
    expect(Object.fromEntries(answer.location!.searchParams)).toEqual({
      connectionId: started.connectionId,
      status: 'Active',
    });
    const linked = await connection(started.connectionId);
    expect(linked?.status).toBe('Active');
    expect(linked?.accounts).toHaveLength(2);
  });

  it('Berlin Group: the scaRedirect link leads to the bank’s login and back', async () => {
    const linked = await linkBank(t, psu, 'sandbox-bg', { username: 'carol' }, returnUrl);
    expect(new URL(linked.authorisationUrl).pathname).toMatch(/^\/login\//);
    expect(linked.location!.searchParams.get('status')).toBe('Active');
    expect((await connection(linked.connectionId))?.accounts).toHaveLength(2);
  });

  it('a state is single use: the same callback again is refused and changes nothing', async () => {
    const started = await startBankLink(t, psu, 'sandbox-obie-v4', returnUrl);
    const back = await loginAtBank(t, 'sandbox-obie-v4', started.authorisationUrl, {
      username: 'carol',
    });
    expect((await followToCallback(back)).location!.searchParams.get('status')).toBe('Active');
    const again = await followToCallback(back);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'CONFLICT', reason: 'state_used' } });
    expect((await connection(started.connectionId))?.status).toBe('Active');
  });

  it('a state that does not match is refused without spending the real one', async () => {
    const started = await startBankLink(t, psu, 'sandbox-obie', returnUrl);
    const back = new URL(
      await loginAtBank(t, 'sandbox-obie', started.authorisationUrl, { username: 'carol' }),
    );
    for (const state of [
      `${started.connectionId}.${'A'.repeat(43)}`,
      'con_00000000000000000000000000000000.' + started.state.split('.')[1],
      '',
    ]) {
      const forged = new URL(back);
      forged.searchParams.set('state', state);
      const refused = await followToCallback(forged.href);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({
        error: { code: 'BAD_USER_INPUT', reason: 'state_invalid' },
      });
    }
    expect((await connection(started.connectionId))?.status).toBe('AwaitingAuthorisation');
    expect((await followToCallback(back.href)).location!.searchParams.get('status')).toBe('Active');
  });

  it('a code comes back only with its own connection’s state (PKCE binds it)', async () => {
    const a = await startBankLink(t, psu, 'sandbox-obie', returnUrl);
    const b = await startBankLink(t, psu, 'sandbox-obie', returnUrl);
    const backB = new URL(
      await loginAtBank(t, 'sandbox-obie', b.authorisationUrl, { username: 'carol' }),
    );
    const swapped = new URL(backB);
    swapped.searchParams.set('state', a.state);
    const answer = await followToCallback(swapped.href);
    expect(Object.fromEntries(answer.location!.searchParams)).toMatchObject({
      connectionId: a.connectionId,
      status: 'Failed',
      error: 'UPSTREAM_UNAVAILABLE',
      reason: 'bank_rejected_request',
    });
    expect((await connection(a.connectionId))?.accounts ?? []).toEqual([]);
  });

  it('the bank refuses an altered redirect URI or a request object we did not sign', async () => {
    const started = await startBankLink(t, psu, 'sandbox-obie', returnUrl);
    const url = new URL(started.authorisationUrl);
    const [header, payload, signature] = url.searchParams.get('request')!.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const evil = Buffer.from(
      JSON.stringify({ ...claims, redirect_uri: 'http://evil.test/steal' }),
    ).toString('base64url');
    // Someone else's key under our kid: the signature does not verify.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const foreign = rsaSign('sha256', Buffer.from(`${header}.${payload}`), {
      key: privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    }).toString('base64url');
    for (const [jws, why] of [
      [`${header}.${evil}.${signature}`, 'signature is invalid'],
      [`${header}.${payload}.${foreign}`, 'signature is invalid'],
    ] as const) {
      const tampered = new URL(url);
      tampered.searchParams.set('request', jws);
      const res = await fetch(tampered, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain(why);
    }
    // The query's redirect_uri is not what counts: the signed one is.
    const query = new URL(url);
    query.searchParams.set('redirect_uri', 'http://evil.test/steal');
    const back = await loginAtBank(t, 'sandbox-obie', query.href, { username: 'carol' });
    expect(new URL(back).origin).not.toBe('http://evil.test');
  });

  it('refuses a return URL that is not on the allow-list (no open redirect)', async () => {
    for (const bad of [
      'http://evil.test/x',
      'javascript:alert(1)',
      'http://user@app.test/x',
      '/relative',
    ]) {
      const res = await t.execute(
        psu,
        'mutation($r: String) { connectBank(bankId: "sandbox-bg", returnUrl: $r) { state } }',
        { r: bad },
      );
      expect(errorCodes(res), bad).toEqual(['BAD_USER_INPUT']);
    }
    // The gateway's and the consent service's own origins are always allowed.
    for (const own of [t.url, t.system.subgraphUrls.consent]) {
      const res = await t.execute(
        psu,
        'mutation($r: String) { connectBank(bankId: "sandbox-bg", returnUrl: $r) { state } }',
        { r: `${own}/after-bank` },
      );
      expectNoErrors(res);
    }
  });

  it('denied at the bank: the connection ends Rejected and the PSU is told why', async () => {
    for (const bankId of ['sandbox-obie', 'sandbox-bg']) {
      const denied = await linkBank(
        t,
        psu,
        bankId,
        { username: 'carol', decision: 'deny' },
        returnUrl,
      );
      expect(Object.fromEntries(denied.location!.searchParams)).toEqual({
        connectionId: denied.connectionId,
        status: 'Rejected',
        error: 'access_denied',
      });
      expect((await connection(denied.connectionId))?.status).toBe('Rejected');
    }
  });

  it('a token exchange that times out or answers garbage: a typed error, nothing half-made', async () => {
    const bank = t.sandboxBank('sandbox-obie');
    for (const [faults, reason] of [
      [{ hang: true }, 'timeout'],
      [{ malformed: true }, 'malformed_response'],
    ] as const) {
      const started = await startBankLink(t, psu, 'sandbox-obie', returnUrl);
      const back = await loginAtBank(t, 'sandbox-obie', started.authorisationUrl, {
        username: 'carol',
      });
      bank.setFaults(faults);
      try {
        const answer = await followToCallback(back);
        expect(Object.fromEntries(answer.location!.searchParams)).toEqual({
          connectionId: started.connectionId,
          status: 'Failed',
          error: 'UPSTREAM_UNAVAILABLE',
          reason,
        });
      } finally {
        bank.resetFaults();
      }
      const failed = await connection(started.connectionId);
      expect(failed).toMatchObject({ status: 'Failed', accounts: [] });
      const row = await t.system.db.accounts.connection.findUnique({
        where: { id: started.connectionId },
      });
      expect(row?.secret).toBeNull();
    }
  });

  it('a payment consent is authorised on the bank’s page and the PSU goes back to the client', async () => {
    const payer = await payerToken(t);
    const consent = await createConsent(t, payer.token, gbpOrder({ amount: '7.00' }));
    const started = await t.execute<{ startPaymentAuthorisation: { url: string; state: string } }>(
      payer.token,
      `mutation($id: ID!, $r: String!) { startPaymentAuthorisation(paymentConsentId: $id, returnUrl: $r) { url state } }`,
      { id: consent.id, r: 'http://app.test/paid' },
    );
    expectNoErrors(started);
    const { url, state } = started.data!.startPaymentAuthorisation;
    expect(new URL(url).pathname).toBe('/authorize');
    const back = await loginAtBank(t, 'sandbox-obie', url, { username: 'alice' });
    expect(new URL(back).searchParams.get('state')).toBe(state);
    // Back through the gateway, which forwards the callback to the payments service.
    expect(new URL(back).origin + new URL(back).pathname).toBe(
      `${t.url}/payment-consents/callback`,
    );
    const answer = await followToCallback(back);
    expect(answer.status).toBe(303);
    expect(answer.location!.origin + answer.location!.pathname).toBe('http://app.test/paid');
    expect(Object.fromEntries(answer.location!.searchParams)).toEqual({
      paymentConsentId: consent.id,
      status: 'Authorised',
    });
    expect((await followToCallback(back)).body).toMatchObject({
      error: { code: 'CONFLICT', reason: 'state_used' },
    });
    // The bank's own approval is not our risk step-up (NewCreditor); that one stays ours.
    await stepUp(t, payer.token, consent.id);
    const paid = await submit(t, payer.token, consent.id);
    expectNoErrors(paid);
    const refused = await t.execute(
      payer.token,
      `mutation($id: ID!) { startPaymentAuthorisation(paymentConsentId: $id, returnUrl: "http://evil.test/") { url } }`,
      { id: consent.id },
    );
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
  });
});
