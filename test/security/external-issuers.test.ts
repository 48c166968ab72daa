import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteIssuer, verifyAccessToken } from '../../src/shared/auth/verify.ts';
import { ConfigError, loadConfig } from '../../src/shared/config/index.ts';
import { errorCodes, expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * A real external OpenID-style issuer (its JWKS served over HTTP on loopback) configured
 * through TRUSTED_ISSUERS: its trust is per issuer and explicit (review 15.4).
 */
type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
interface Realm {
  name: string;
  issuer: string;
  jwksUrl: string;
  keys: { ES256: KeyPair; RS256: KeyPair };
}

let jwksServer: Server;
let t: TestSystem;
const realms: Record<'a' | 'b', Realm> = {} as Record<'a' | 'b', Realm>;
// A: the defaults (ES256/PS256/EdDSA only, no consent-bound tokens), audit:read beyond maxScopes.
// B: RS256 allowed, consent-bound tokens accepted, audit:read within maxScopes.
const trust = {
  a: {
    clients: { 'ext-pfm': 'demo-pfm', 'ext-compliance': 'compliance-console' },
    maxScopes: ['consents:manage'],
  },
  b: {
    clients: {
      'ext-pfm-b': 'demo-pfm',
      'ext-basic': 'demo-basic',
      'ext-compliance': 'compliance-console',
    },
    maxScopes: ['audit:read', 'ReadAccountsBasic'],
    consentBound: true,
    algorithms: ['RS256', 'ES256'],
  },
};

async function realm(name: string, base: string): Promise<Realm> {
  return {
    name,
    issuer: `${base}/realms/${name}`,
    jwksUrl: `${base}/realms/${name}/protocol/openid-connect/certs`,
    keys: {
      ES256: await generateKeyPair('ES256', { extractable: true }),
      RS256: await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 }),
    },
  };
}

async function jwksOf(r: Realm): Promise<{ keys: JWK[] }> {
  const keys: JWK[] = [];
  for (const alg of ['ES256', 'RS256'] as const) {
    const jwk = await exportJWK(r.keys[alg].publicKey);
    keys.push({ ...jwk, kid: `${r.name}-${alg}`, alg, use: 'sig' });
  }
  return { keys };
}

function mint(r: Realm, claims: Record<string, unknown>, alg: 'ES256' | 'RS256' = 'ES256') {
  return new SignJWT({ jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg, kid: `${r.name}-${alg}`, typ: 'at+jwt' })
    .setIssuer(r.issuer)
    .setAudience('ledgergraph')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(r.keys[alg].privateKey);
}

/** A client-credentials-style token: `sub` is the issuer's own service-account id. */
const clientToken = (r: Realm, clientId: string, scope: string, alg?: 'ES256' | 'RS256') =>
  mint(r, { sub: `service-account-${randomUUID()}`, client_id: clientId, scope }, alg);

const auditQuery = '{ auditRecords(first: 1) { edges { node { id } } } }';

beforeAll(async () => {
  const served = new Map<string, { keys: JWK[] }>();
  jwksServer = createServer((req, res) => {
    const body = served.get(req.url ?? '');
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: 'not found' }));
  });
  await new Promise<void>((ok) => jwksServer.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
  realms.a = await realm('a', base);
  realms.b = await realm('b', base);
  for (const r of Object.values(realms)) served.set(new URL(r.jwksUrl).pathname, await jwksOf(r));
  t = await startTestSystem({
    TRUSTED_ISSUERS: JSON.stringify([
      { issuer: realms.a.issuer, jwksUrl: realms.a.jwksUrl, ...trust.a },
      { issuer: realms.b.issuer, jwksUrl: realms.b.jwksUrl, ...trust.b },
    ]),
  });
}, 120_000);

afterAll(async () => {
  await t?.stop();
  await new Promise((ok) => jwksServer?.close(ok));
});

describe('external issuers: an unregistered client gets nothing', () => {
  it('refuses an unmapped client_id asking for audit:read (401), even one named like ours', async () => {
    for (const clientId of ['rogue-app', 'compliance-console']) {
      const res = await t.execute(await clientToken(realms.a, clientId, 'audit:read'), auditQuery);
      expect(res.status).toBe(401);
      expect(errorCodes(res)).toEqual(['UNAUTHENTICATED']);
      expect(res.data ?? null).toBeNull();
    }
  });
});

describe('external issuers: a mapped client acts as our client app, within maxScopes', () => {
  it('maps client_id to the registered client app and drops scopes beyond maxScopes', async () => {
    const token = await clientToken(realms.a, 'ext-pfm', 'consents:manage audit:read openid');
    const principal = await verifyAccessToken(token, {
      issuers: [
        remoteIssuer(realms.a.issuer, realms.a.jwksUrl, {
          ...trust.a,
          consentBound: false,
          algorithms: ['ES256'],
        }),
      ],
      audience: 'ledgergraph',
    });
    expect(principal).toMatchObject({
      kind: 'client',
      clientId: 'demo-pfm',
      externalClientId: 'ext-pfm',
      issuer: realms.a.issuer,
      scopes: ['consents:manage'],
    });
    expect(principal.psuId).toBeUndefined();
  });

  it('does not grant audit:read beyond maxScopes: the audit query is FORBIDDEN', async () => {
    const token = await clientToken(realms.a, 'ext-compliance', 'audit:read');
    const res = await t.execute(token, auditQuery);
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    expect(res.data).toEqual({ auditRecords: null });
  });

  it('keeps the scopes within maxScopes: the mapped app requests a consent as itself', async () => {
    const token = await clientToken(realms.a, 'ext-pfm', 'consents:manage audit:read');
    const res = await t.execute<{ requestConsent: { clientApp: { id: string } } }>(
      token,
      'mutation { requestConsent(input: { permissions: [ReadAccountsBasic] }) { clientApp { id } } }',
    );
    expectNoErrors(res);
    expect(res.data!.requestConsent.clientApp.id).toBe('demo-pfm');
  });

  it('grants audit:read within maxScopes, and the audit record names our client app', async () => {
    const requestId = `ext-audit-${randomUUID()}`;
    const res = await t.execute(
      await clientToken(realms.b, 'ext-compliance', 'audit:read'),
      auditQuery,
      {},
      { 'x-fapi-interaction-id': requestId },
    );
    expectNoErrors(res);
    const batches = await t.system.audit.db.auditBatch.findMany({ where: { requestId } });
    expect(batches.map((b) => [b.principalKind, b.clientId])).toEqual([
      ['client', 'compliance-console'],
    ]);
  });
});

describe('external issuers: consent-bound tokens', () => {
  const accountsQuery = '{ accounts { id } }';

  it('refuses a consent-bound token from an issuer without consentBound', async () => {
    const c = await t.authorisedConsent({ permissions: ['ReadAccountsBasic'] });
    const token = await mint(realms.a, {
      sub: 'psu_alice',
      client_id: 'ext-pfm',
      consent_id: c.consentId,
      scope: 'ReadAccountsBasic',
    });
    const res = await t.execute(token, accountsQuery);
    expect(res.status).toBe(401);
    expect(errorCodes(res)).toEqual(['UNAUTHENTICATED']);
  });

  it('accepts one from an issuer with consentBound, still checked against the consent grant', async () => {
    const c = await t.authorisedConsent({ permissions: ['ReadAccountsBasic'] });
    const bound = (sub: string, clientId: string) =>
      mint(realms.b, {
        sub,
        client_id: clientId,
        consent_id: c.consentId,
        scope: 'ReadAccountsBasic',
      });

    const ok = await t.execute<{ accounts: { id: string }[] }>(
      await bound('psu_alice', 'ext-pfm-b'),
      accountsQuery,
    );
    expectNoErrors(ok);
    expect(ok.data!.accounts.map((a) => a.id).sort()).toEqual([...c.accountIds].sort());

    // Another PSU than the consent's, or a client app other than the consent's: refused.
    for (const token of [
      await bound('psu_bob', 'ext-pfm-b'),
      await bound('psu_alice', 'ext-basic'),
    ]) {
      const res = await t.execute(token, accountsQuery);
      expect(res.status).toBe(401);
      expect(errorCodes(res)).toEqual(['UNAUTHENTICATED']);
    }

    // Revoked here: the issuer's token stops working on the next request.
    expectNoErrors(
      await t.execute(c.psuToken, 'mutation($id: ID!) { revokeConsent(id: $id) { id } }', {
        id: c.consentId,
      }),
    );
    const revoked = await t.execute(await bound('psu_alice', 'ext-pfm-b'), accountsQuery);
    expect(revoked.status).toBe(401);
  });
});

describe('external issuers: PSU subjects', () => {
  const myAccounts = '{ accounts { id } }';
  const psuShaped = (r: Realm, clientId: string) =>
    mint(r, { sub: 'psu_alice', client_id: clientId, scope: 'consents:authorise' });

  it('an issuer without psus: a token naming one of our PSUs still acts as the client, never the PSU', async () => {
    const token = await psuShaped(realms.a, 'ext-pfm');
    const principal = await verifyAccessToken(token, {
      issuers: [
        remoteIssuer(realms.a.issuer, realms.a.jwksUrl, {
          ...trust.a,
          maxScopes: ['consents:authorise'],
          consentBound: false,
          algorithms: ['ES256'],
        }),
      ],
      audience: 'ledgergraph',
    });
    expect(principal).toMatchObject({ kind: 'client', clientId: 'demo-pfm' });
    expect(principal.psuId).toBeUndefined();
    const res = await t.execute(token, myAccounts);
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
  });

  it('the issuer trusted with psus (the test identity provider): acts as that PSU, within maxScopes', async () => {
    const token = await t.testIdp.psuToken('alice');
    const res = await t.execute<{ accounts: { id: string }[] }>(token, myAccounts);
    expectNoErrors(res);
    const bobs = await t.execute<{ accounts: { id: string }[] }>(
      await t.testIdp.psuToken('bob'),
      myAccounts,
    );
    expectNoErrors(bobs);
    const ids = new Set(res.data!.accounts.map((a) => a.id));
    expect(ids.size).toBeGreaterThan(0);
    expect(bobs.data!.accounts.some((a) => ids.has(a.id))).toBe(false);
    // Scopes beyond maxScopes are dropped even for a PSU: no audit trail for this token.
    const principal = await verifyAccessToken(token, {
      issuers: [
        remoteIssuer(t.testIdp.issuer, `${t.testIdp.issuer}/jwks`, {
          ...t.testIdp.trustedIssuer,
          maxScopes: [],
          consentBound: false,
          algorithms: ['ES256'],
        }),
      ],
      audience: 'ledgergraph',
    });
    expect(principal).toMatchObject({ kind: 'psu', psuId: 'psu_alice', scopes: [] });
  });
});

describe('external issuers: algorithms per issuer', () => {
  it('refuses RS256 from an issuer that does not allow it', async () => {
    const res = await t.execute(
      await clientToken(realms.a, 'ext-pfm', 'consents:manage', 'RS256'),
      '{ consents { id } }',
    );
    expect(res.status).toBe(401);
    expect(errorCodes(res)).toEqual(['UNAUTHENTICATED']);
  });

  it('accepts RS256 from an issuer configured for it', async () => {
    const res = await t.execute(
      await clientToken(realms.b, 'ext-compliance', 'audit:read', 'RS256'),
      auditQuery,
    );
    expectNoErrors(res);
  });
});

describe('our own issuer is unchanged', () => {
  it('its tokens keep their client ids and scopes', async () => {
    const own = await t.tokens.client('compliance-console', 'compliance-secret');
    expectNoErrors(await t.execute(own, auditQuery));
    const c = await t.authorisedConsent({ permissions: ['ReadAccountsBasic'] });
    const res = await t.execute<{ accounts: { id: string }[] }>(c.token, '{ accounts { id } }');
    expectNoErrors(res);
    expect(res.data!.accounts.length).toBe(c.accountIds.length);
  });
});

describe('TRUSTED_ISSUERS is validated at start with clear messages', () => {
  const problemsOf = (entry: Record<string, unknown>) => {
    try {
      loadConfig({ TRUSTED_ISSUERS: JSON.stringify([entry]) });
      return [];
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return e.problems;
    }
  };
  const base = {
    issuer: 'https://id.example.com/realms/x',
    jwksUrl: 'https://id.example.com/certs',
  };

  it('refuses an old entry without clients: it would grant nothing', () => {
    const problems = problemsOf(base);
    expect(problems.join('\n')).toMatch(/TRUSTED_ISSUERS\.0\.clients: required: .*grant nothing/);
    expect(problems.join('\n')).toMatch(/TRUSTED_ISSUERS\.0\.maxScopes: required/);
    expect(problemsOf({ ...base, clients: {}, maxScopes: [] }).join('\n')).toMatch(
      /clients: maps no client_id/,
    );
  });

  it('refuses unknown scopes, algorithms and fields', () => {
    const entry = { ...base, clients: { a: 'demo-pfm' }, maxScopes: ['admin'] };
    expect(problemsOf(entry)).toEqual(['TRUSTED_ISSUERS.0.maxScopes.0: unknown scope admin']);
    const hs = problemsOf({ ...entry, maxScopes: [], algorithms: ['HS256'] });
    expect(hs.join('\n')).toMatch(/TRUSTED_ISSUERS\.0\.algorithms\.0/);
    const typo = problemsOf({ ...entry, maxScopes: [], consentbound: true });
    expect(typo.join('\n')).toMatch(/consentbound/);
  });

  it('defaults to our own algorithms, no consent-bound tokens and no PSU subjects', () => {
    const config = loadConfig({
      TRUSTED_ISSUERS: JSON.stringify([{ ...base, clients: { a: 'demo-pfm' }, maxScopes: [] }]),
    });
    expect(config.tokens.trustedIssuers[0]).toMatchObject({
      consentBound: false,
      psus: false,
      algorithms: ['PS256', 'ES256', 'EdDSA'],
    });
  });
});
