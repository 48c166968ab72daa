import { SignJWT, exportJWK, generateKeyPair, decodeProtectedHeader, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gbpOrder, pay, payerToken } from '../payments/support.ts';
import { errorCodes, expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';

const dashboard = `query($id: ID!) {
  consent(id: $id) {
    id status
    accounts { id nickname currency identification { scheme identification } balances { type amount currency } }
  }
}`;

describe('the federated graph, end to end through the gateway', () => {
  let t: TestSystem;
  // Longer than the gateway's JWKS refetch cooldown (5 s), as in production.
  const rotationLeadSeconds = 6;
  beforeAll(async () => {
    t = await startTestSystem({
      KEY_ROTATION_LEAD_SECONDS: String(rotationLeadSeconds),
      SANDBOX_TRANSACTIONS_PER_ACCOUNT: '20',
    });
  });
  afterAll(() => t.stop());

  it('answers a request without a token with UNAUTHENTICATED (401)', async () => {
    const res = await t.execute(undefined, '{ me { id } }');
    expect(res.status).toBe(401);
    expect(errorCodes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('serves the JWKS at /.well-known/jwks.json', async () => {
    const res = await fetch(`${t.url}/.well-known/jwks.json`);
    const jwks = (await res.json()) as { keys: { kid: string; alg: string; d?: string }[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    expect(jwks.keys[0]!.alg).toBe('ES256');
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
  });

  it('walks consent → accounts → balances with a Detail consent', async () => {
    const c = await t.authorisedConsent({
      permissions: ['ReadAccountsDetail', 'ReadBalances'],
    });
    const res = await t.execute<{
      consent: { accounts: { identification: unknown; balances: unknown[] }[] };
    }>(c.token, dashboard, { id: c.consentId });
    expectNoErrors(res);
    // Alice's accounts at all three sandbox banks (two each), every one of them selected.
    expect(res.data!.consent.accounts).toHaveLength(6);
    expect(c.accountIds).toHaveLength(6);
    for (const a of res.data!.consent.accounts) {
      expect(a.identification).toMatchObject({
        scheme: expect.stringMatching(/^(SortCodeAccountNumber|IBAN)$/),
        identification: expect.stringMatching(/^[A-Z0-9]{8,34}$/),
      });
      expect(a.balances.length).toBeGreaterThan(0);
    }
  });

  it('hides Detail fields from a Basic consent: null with FORBIDDEN at the path, the rest arrives', async () => {
    const c = await t.authorisedConsent({ permissions: ['ReadAccountsBasic'], accounts: 'first' });
    const res = await t.execute<{
      consent: { accounts: { nickname: string; identification: unknown; balances: unknown }[] };
    }>(c.token, dashboard, { id: c.consentId });
    expect(res.status).toBe(200);
    const [account] = res.data!.consent.accounts;
    expect(account!.nickname).toEqual(expect.any(String));
    expect(account!.identification).toBeNull();
    expect(account!.balances).toBeNull();
    const forbidden = res
      .errors!.filter((e) => e.extensions?.code === 'FORBIDDEN')
      .map((e) => e.path!.join('.'));
    expect(forbidden.sort()).toEqual([
      'consent.accounts.0.balances',
      'consent.accounts.0.identification',
    ]);
  });

  it('bounds rows by the consent: only the accounts the PSU selected', async () => {
    const c = await t.authorisedConsent({ permissions: ['ReadAccountsBasic'], accounts: 'first' });
    const res = await t.execute<{ accounts: { id: string }[] }>(c.token, '{ accounts { id } }');
    expectNoErrors(res);
    expect(res.data!.accounts.map((a) => a.id)).toEqual(c.accountIds);
  });

  it("does not show another PSU's accounts under a consent", async () => {
    const c = await t.authorisedConsent({
      permissions: ['ReadAccountsBasic'],
      psu: ['bob', 'bob-sandbox'],
    });
    const res = await t.execute<{ accounts: { id: string }[] }>(
      c.token,
      '{ accounts { id nickname } }',
    );
    expectNoErrors(res);
    expect(res.data!.accounts.map((a) => a.id)).toEqual(c.accountIds);
    const alice = await t.execute<{ accounts: { id: string }[] }>(
      await t.testIdp.psuToken(),
      '{ accounts { id } }',
    );
    const aliceIds = alice.data!.accounts.map((a) => a.id);
    expect(aliceIds.length).toBeGreaterThan(0);
    expect(res.data!.accounts.some((a) => aliceIds.includes(a.id))).toBe(false);
  });

  it("stops a revoked consent's token on the very next request", async () => {
    const c = await t.authorisedConsent({ permissions: ['ReadAccountsBasic'] });
    expectNoErrors(await t.execute(c.token, '{ accounts { id } }'));
    const revoked = await t.execute(
      c.psuToken,
      'mutation($id: ID!) { revokeConsent(id: $id) { status } }',
      {
        id: c.consentId,
      },
    );
    expect(revoked.data).toEqual({ revokeConsent: { status: 'Revoked' } });
    const after = await t.execute(c.token, '{ accounts { id } }');
    expect(after.status).toBe(401);
    expect(errorCodes(after)).toEqual(['UNAUTHENTICATED']);
  });

  it('lets the client app revoke its own consent, and records who did it', async () => {
    const c = await t.authorisedConsent({ permissions: ['ReadAccountsBasic'] });
    const res = await t.execute<{
      revokeConsent: { statusHistory: { toStatus: string; actor: string }[] };
    }>(
      c.clientToken,
      'mutation($id: ID!) { revokeConsent(id: $id) { statusHistory { toStatus actor } } }',
      { id: c.consentId },
    );
    expectNoErrors(res);
    expect(res.data!.revokeConsent.statusHistory.map((h) => `${h.toStatus}:${h.actor}`)).toEqual([
      'AwaitingAuthorisation:CLIENT',
      'Authorised:PSU',
      'Revoked:CLIENT',
    ]);
  });

  it('refuses to exchange a consent that is not authorised, or belongs to another client', async () => {
    const clientToken = await t.tokens.client();
    const res = await t.execute<{ requestConsent: { id: string } }>(
      clientToken,
      'mutation { requestConsent(input: { permissions: [ReadAccountsBasic] }) { id } }',
    );
    const id = res.data!.requestConsent.id;
    await expect(t.tokens.consent(id)).rejects.toThrow(/invalid_grant/);
    const c = await t.authorisedConsent({ permissions: ['ReadAccountsBasic'] });
    await expect(t.tokens.consent(c.consentId, 'demo-basic', 'demo-basic-secret')).rejects.toThrow(
      /invalid_grant/,
    );
  });

  it('refuses a client app asking for permissions it is not registered for', async () => {
    const basicClient = await t.tokens.client('demo-basic', 'demo-basic-secret');
    const res = await t.execute(
      basicClient,
      'mutation { requestConsent(input: { permissions: [ReadAccountsDetail] }) { id } }',
    );
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
  });

  it('lets only a PSU authorise, and only a client request', async () => {
    const clientToken = await t.tokens.client();
    const psuToken = await t.testIdp.psuToken();
    const asPsu = await t.execute(
      psuToken,
      'mutation { requestConsent(input: { permissions: [ReadAccountsBasic] }) { id } }',
    );
    expect(errorCodes(asPsu)).toEqual(['FORBIDDEN']);
    const asClient = await t.execute(
      clientToken,
      'mutation { authoriseConsent(id: "x", accountIds: ["y"]) { id } }',
    );
    expect(errorCodes(asClient)).toEqual(['FORBIDDEN']);
  });

  it('federates payments to the Account entity, gated by payments:read', async () => {
    // A real payment from Alice's account at the OBIE sandbox bank.
    const payer = await payerToken(t);
    const accounts = await t.execute<{ accounts: { id: string; bankId: string }[] }>(
      payer.token,
      '{ accounts { id bankId } }',
    );
    expectNoErrors(accounts);
    const debtor = accounts.data!.accounts.find((a) => a.bankId === 'sandbox-obie')!;
    await pay(t, payer.token, gbpOrder({ amount: '25.00', debtorAccountId: debtor.id }));

    const withPayments = await t.authorisedConsent({
      permissions: ['ReadAccountsBasic', 'ReadPayments'],
    });
    const res = await t.execute<{
      payments: { amount: string; debtorAccount: { id: string; nickname: string } }[];
    }>(withPayments.token, '{ payments { amount currency debtorAccount { id nickname } } }');
    expectNoErrors(res);
    expect(res.data!.payments[0]).toMatchObject({
      amount: '25.00',
      debtorAccount: { id: debtor.id, nickname: expect.any(String) },
    });
    const without = await t.authorisedConsent({ permissions: ['ReadAccountsBasic'] });
    const denied = await t.execute(without.token, '{ payments { amount } }');
    expect(errorCodes(denied)).toEqual(['FORBIDDEN']);
  });

  it('echoes x-fapi-interaction-id, or generates one', async () => {
    const token = await t.tokens.client();
    const echoed = await t.execute(
      token,
      '{ consents { id } }',
      {},
      { 'x-fapi-interaction-id': 'abc-123' },
    );
    expect(echoed.headers.get('x-fapi-interaction-id')).toBe('abc-123');
    const generated = await t.execute(token, '{ consents { id } }');
    expect(generated.headers.get('x-fapi-interaction-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  describe('tokens the gateway refuses', () => {
    async function forge(
      claims: Record<string, unknown>,
      header: Record<string, unknown> = {},
      alg: 'ES256' | 'PS256' | 'RS256' = 'ES256',
    ): Promise<string> {
      const { privateKey } = await generateKeyPair(alg, { extractable: true });
      const real = await t.tokens.client();
      const { kid } = decodeProtectedHeader(real);
      return new SignJWT({ ...decodeJwt(real), ...claims })
        .setProtectedHeader({ alg, kid, typ: 'at+jwt', ...header })
        .sign(privateKey);
    }

    it('refuses a token signed by another key under our kid (forged)', async () => {
      const res = await t.execute(await forge({}), '{ consents { id } }');
      expect(res.status).toBe(401);
      expect(errorCodes(res)).toEqual(['UNAUTHENTICATED']);
    });

    it('refuses alg: none', async () => {
      const real = decodeJwt(await t.tokens.client());
      const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const unsigned = `${enc({ alg: 'none', typ: 'at+jwt' })}.${enc(real)}.`;
      const res = await t.execute(unsigned, '{ consents { id } }');
      expect(errorCodes(res)).toEqual(['UNAUTHENTICATED']);
    });

    it('refuses an expired token issued by the real endpoint', async () => {
      t.clock.offsetMs = -3600_000;
      const old = await t.tokens.client();
      t.clock.offsetMs = 0;
      const res = await t.execute(old, '{ consents { id } }');
      expect(res.status).toBe(401);
      expect(res.errors![0]!.message).toBe('Access token expired');
      expect(JSON.stringify(res)).not.toContain(old);
    });

    it('refuses a token for another audience or from another issuer', async () => {
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      void publicKey;
      const wrongAudience = await forge({ aud: 'someone-else' });
      expect(errorCodes(await t.execute(wrongAudience, '{ consents { id } }'))).toEqual([
        'UNAUTHENTICATED',
      ]);
      const otherIssuer = await new SignJWT({ sub: 'x', client_id: 'x' })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
        .setIssuer('https://evil.example')
        .setAudience('ledgergraph')
        .setIssuedAt()
        .setExpirationTime('5m')
        .setJti('j')
        .sign(privateKey);
      expect(errorCodes(await t.execute(otherIssuer, '{ consents { id } }'))).toEqual([
        'UNAUTHENTICATED',
      ]);
    });

    it('accepts the token only from the Authorization header, with any casing of Bearer', async () => {
      const token = await t.tokens.client();
      const viaQuery = await fetch(`${t.url}/graphql?access_token=${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ consents { id } }', access_token: token }),
      });
      expect(viaQuery.status).toBe(401);
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `bEARER ${token}` },
        body: JSON.stringify({ query: '{ consents { id } }' }),
      });
      expect(res.status).toBe(200);
    });
  });

  describe('subgraphs trust only the signed internal context', () => {
    it('refuses a direct call to a subgraph without the gateway context', async () => {
      const res = await fetch(`${t.system.subgraphUrls.accounts}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ accounts { id } }' }),
      });
      const body = (await res.json()) as {
        errors: { extensions: { code: string } }[];
        data: unknown;
      };
      expect(body.errors.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
      expect(body.data).toEqual({ accounts: null });
    });

    it('refuses a context signed with another secret, or addressed to another subgraph', async () => {
      const { signInternalContext } = await import('../../src/shared/auth/internal-context.ts');
      const principal = {
        kind: 'psu' as const,
        subject: 'psu_alice',
        clientId: 'x',
        psuId: 'psu_alice',
        scopes: ['consents:authorise'],
        tokenId: 'j',
        issuer: 'i',
        expiresAt: 0,
      };
      const call = async (header: string) => {
        const res = await fetch(`${t.system.subgraphUrls.accounts}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-ledgergraph-context': header },
          body: JSON.stringify({ query: '{ accounts { id } }' }),
        });
        return ((await res.json()) as { errors?: { extensions: { code: string } }[] }).errors?.map(
          (e) => e.extensions.code,
        );
      };
      const wrongSecret = await signInternalContext(
        { requestId: 'r', principal },
        'accounts',
        'x'.repeat(40),
      );
      expect(await call(wrongSecret)).toEqual(['UNAUTHENTICATED']);
      const { readFileSync } = await import('node:fs');
      const secret = readFileSync(`${t.config.dataDir}/internal-context.secret`, 'utf8');
      const forConsent = await signInternalContext(
        { requestId: 'r', principal },
        'consent',
        secret,
      );
      expect(await call(forConsent)).toEqual(['UNAUTHENTICATED']);
      const right = await signInternalContext({ requestId: 'r', principal }, 'accounts', secret);
      expect(await call(right)).toBeUndefined();
    });
  });

  it('rotates keys: the next key is published first, then signs; old tokens stay valid', async () => {
    const before = await t.tokens.client();
    const oldKid = decodeProtectedHeader(before).kid;
    const { kid: newKid } = await t.system.services.keys.rotate();
    const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual([oldKid, newKid].sort());
    // Still within the lead time: the old key signs.
    expect(decodeProtectedHeader(await t.tokens.client()).kid).toBe(oldKid);
    await new Promise((r) => setTimeout(r, (rotationLeadSeconds + 0.5) * 1000));
    const after = await t.tokens.client();
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    expectNoErrors(await t.execute(after, '{ consents { id } }'));
    expectNoErrors(await t.execute(before, '{ consents { id } }'));
  });
});

describe('tokens from an external issuer, verified against its JWKS by URL', () => {
  it('accepts a token from a trusted issuer and refuses one from an untrusted issuer', async () => {
    const { createServer } = await import('node:http');
    const { privateKey, publicKey } = await generateKeyPair('PS256', { modulusLength: 2048 });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'ext-1', alg: 'PS256', use: 'sig' };
    const jwksServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    const port = (jwksServer.address() as { port: number }).port;
    const issuer = 'https://idp.example';
    const t = await startTestSystem({
      TRUSTED_ISSUERS: JSON.stringify([
        {
          issuer,
          jwksUrl: `http://127.0.0.1:${port}/jwks`,
          clients: { 'compliance-console': 'compliance-console' },
          maxScopes: ['consents:manage'],
        },
      ]),
    });
    try {
      const token = await new SignJWT({ client_id: 'compliance-console', scope: 'consents:manage' })
        .setProtectedHeader({ alg: 'PS256', kid: 'ext-1', typ: 'at+jwt' })
        .setIssuer(issuer)
        .setSubject('compliance-console')
        .setAudience('ledgergraph')
        .setIssuedAt()
        .setExpirationTime('2m')
        .setJti('ext-jti')
        .sign(privateKey);
      const res = await t.execute(token, '{ consents { id } }');
      expectNoErrors(res);
      expect(res.data).toEqual({ consents: [] });
    } finally {
      await t.stop();
      jwksServer.close();
    }
  });
});
