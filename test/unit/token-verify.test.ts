import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bearerToken,
  verifyAccessToken,
  type VerifyOptions,
} from '../../src/shared/auth/verify.ts';

const now = 1_800_000_000; // frozen: 2027-01-15
const issuer = 'https://ledgergraph.test';
let options: VerifyOptions;
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let es256: PrivateKey;
let hmacSecret: Uint8Array;
let rs256: PrivateKey;

const claims = {
  sub: 'psu_alice',
  client_id: 'demo-pfm',
  consent_id: 'cns_1',
  scope: 'ReadAccountsBasic',
};

function token(
  key: PrivateKey | Uint8Array,
  over: {
    alg?: string;
    typ?: string;
    kid?: string;
    iat?: number;
    exp?: number;
    iss?: string;
    aud?: string;
    nbf?: number;
  } = {},
  extra: Record<string, unknown> = claims,
) {
  const jwt = new SignJWT(extra)
    .setProtectedHeader({
      alg: over.alg ?? 'ES256',
      kid: over.kid ?? 'k1',
      typ: over.typ ?? 'at+jwt',
    })
    .setIssuer(over.iss ?? issuer)
    .setAudience(over.aud ?? 'ledgergraph')
    .setIssuedAt(over.iat ?? now)
    .setExpirationTime(over.exp ?? now + 300)
    .setJti('jti-1');
  if (over.nbf) jwt.setNotBefore(over.nbf);
  return jwt.sign(key);
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code: string; message: string }) => `${e.code}: ${e.message}`,
  );

beforeAll(async () => {
  const es = await generateKeyPair('ES256', { extractable: true });
  es256 = es.privateKey;
  const rs = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  rs256 = rs.privateKey;
  hmacSecret = new TextEncoder().encode('a-shared-secret-that-is-long-enough-123');
  const jwk: JWK = { ...(await exportJWK(es.publicKey)), kid: 'k1', alg: 'ES256' };
  const rsJwk: JWK = { ...(await exportJWK(rs.publicKey)), kid: 'rs' };
  options = {
    issuers: [{ issuer, keys: createLocalJWKSet({ keys: [jwk, rsJwk] }) }],
    audience: 'ledgergraph',
    now: () => now,
  };
});

describe('access token verification', () => {
  it('accepts a valid ES256 at+jwt and maps it to a consent principal', async () => {
    const p = await verifyAccessToken(await token(es256), options);
    expect(p).toMatchObject({
      kind: 'consent',
      psuId: 'psu_alice',
      consentId: 'cns_1',
      scopes: ['ReadAccountsBasic'],
    });
  });
  it('maps sub == client_id to a client principal', async () => {
    const p = await verifyAccessToken(
      await token(es256, {}, { sub: 'demo-pfm', client_id: 'demo-pfm' }),
      options,
    );
    expect(p.kind).toBe('client');
    expect(p.psuId).toBeUndefined();
  });
  it('refuses an expired token (beyond the 5 s tolerance) but not one within it', async () => {
    expect(
      await codeOf(
        verifyAccessToken(await token(es256, { iat: now - 400, exp: now - 6 }), options),
      ),
    ).toBe('UNAUTHENTICATED: Access token expired');
    expect(
      await codeOf(
        verifyAccessToken(await token(es256, { iat: now - 400, exp: now - 3 }), options),
      ),
    ).toBe('ok');
  });
  it('refuses alg: none', async () => {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${enc({ alg: 'none', typ: 'at+jwt', kid: 'k1' })}.${enc({ ...claims, iss: issuer, aud: 'ledgergraph', iat: now, exp: now + 60, jti: 'x' })}.`;
    expect(await codeOf(verifyAccessToken(none, options))).toMatch(/^UNAUTHENTICATED/);
  });
  it('refuses HS256, even keyed with something the verifier knows', async () => {
    expect(
      await codeOf(verifyAccessToken(await token(hmacSecret, { alg: 'HS256' }), options)),
    ).toMatch(/^UNAUTHENTICATED/);
  });
  it('refuses RS256 even when the JWKS holds the matching RSA key', async () => {
    expect(
      await codeOf(verifyAccessToken(await token(rs256, { alg: 'RS256', kid: 'rs' }), options)),
    ).toBe('UNAUTHENTICATED: Access token algorithm not allowed');
  });
  it('refuses a signature by another key under a known kid', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    expect(await codeOf(verifyAccessToken(await token(privateKey), options))).toBe(
      'UNAUTHENTICATED: Access token signature invalid',
    );
  });
  it('refuses a wrong audience, an unknown issuer and a wrong typ', async () => {
    expect(await codeOf(verifyAccessToken(await token(es256, { aud: 'other' }), options))).toBe(
      'UNAUTHENTICATED: Access token claim rejected: aud',
    );
    expect(
      await codeOf(verifyAccessToken(await token(es256, { iss: 'https://evil' }), options)),
    ).toBe('UNAUTHENTICATED: Access token from an unknown issuer');
    expect(await codeOf(verifyAccessToken(await token(es256, { typ: 'JWT' }), options))).toMatch(
      /^UNAUTHENTICATED/,
    );
  });
  it('refuses tokens missing required claims', async () => {
    expect(await codeOf(verifyAccessToken(await token(es256, {}, { sub: 'x' }), options))).toBe(
      'UNAUTHENTICATED: Access token claim rejected: client_id',
    );
  });
  it('refuses a token before its nbf, beyond the 5 s tolerance, by the frozen clock', async () => {
    const at = async (nbf: number) =>
      codeOf(verifyAccessToken(await token(es256, { nbf, exp: now + 400 }), options));
    // jose's nbf check, fed our frozen clock and tolerance, is the one that refuses it.
    expect(await at(now + 6)).toBe('UNAUTHENTICATED: Access token claim rejected: nbf');
    expect(await at(now + 120)).toBe('UNAUTHENTICATED: Access token claim rejected: nbf');
    expect(await at(now + 4)).toBe('ok');
    expect(await at(now - 3600)).toBe('ok');
  });
  it('refuses iat more than 60 s in the future, by the frozen clock', async () => {
    const at = async (iat: number) =>
      codeOf(verifyAccessToken(await token(es256, { iat, exp: now + 400 }), options));
    expect(await at(now + 61)).toBe('UNAUTHENTICATED: Access token issued in the future');
    expect(await at(now + 59)).toBe('ok');
  });
  it('refuses garbage without echoing it', async () => {
    const result = await codeOf(verifyAccessToken('not-a-jwt-secret-value', options));
    expect(result).toBe('UNAUTHENTICATED: Malformed access token');
    expect(result).not.toContain('secret-value');
  });
});

describe('bearer token extraction', () => {
  it('matches the scheme case-insensitively', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bEARER abc.def.ghi')).toBe('abc.def.ghi');
  });
  it('ignores other schemes and malformed headers', () => {
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
