import { createHmac } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { signHs256, verifyHs256 } from '../../src/shared/auth/hs256.ts';
import {
  signInternalContext,
  signServiceCall,
  verifyInternalContext,
  verifyServiceCall,
} from '../../src/shared/auth/internal-context.ts';

const secret = 'hs256-test-secret-0123456789-0123456789';
const key = new TextEncoder().encode(secret);
const check = {
  typ: 'ledgergraph-context+jwt',
  issuer: 'ledgergraph-gateway',
  audience: 'accounts',
};
const sign = (over: Partial<Parameters<typeof signHs256>[1]> = {}, payload = { ctx: { a: 1 } }) =>
  signHs256(payload, { ...check, lifetimeSeconds: 60, ...over }, secret);
const now = () => Math.floor(Date.now() / 1000);

/** Replaces one base64url part of a compact JWS, keeping the others. */
function withPart(token: string, i: number, value: object): string {
  const parts = token.split('.');
  parts[i] = Buffer.from(JSON.stringify(value)).toString('base64url');
  return parts.join('.');
}

describe('HS256 on node:crypto against jose (the library it replaces on the hot path)', () => {
  it('what we sign, jose verifies with the same checks', async () => {
    const { payload, protectedHeader } = await jwtVerify(sign(), key, {
      algorithms: ['HS256'],
      issuer: check.issuer,
      audience: check.audience,
      typ: check.typ,
    });
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: check.typ });
    expect(payload.ctx).toEqual({ a: 1 });
    expect(payload.exp! - payload.iat!).toBe(60);
  });

  it('what jose signs, we verify', async () => {
    const token = await new SignJWT({ ctx: { b: 2 } })
      .setProtectedHeader({ alg: 'HS256', typ: check.typ })
      .setIssuer(check.issuer)
      .setAudience(check.audience)
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(key);
    expect(verifyHs256(token, check, secret)?.ctx).toEqual({ b: 2 });
  });

  it('refuses another secret, a changed payload or header, and a truncated signature', () => {
    const token = sign();
    expect(verifyHs256(token, check, secret)).toBeDefined();
    expect(verifyHs256(token, check, `${secret}x`)).toBeUndefined();
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(
      verifyHs256(withPart(token, 1, { ...payload, ctx: { a: 2 } }), check, secret),
    ).toBeUndefined();
    expect(
      verifyHs256(withPart(token, 0, { alg: 'none', typ: check.typ }), check, secret),
    ).toBeUndefined();
    expect(verifyHs256(token.slice(0, -2), check, secret)).toBeUndefined();
    expect(verifyHs256(`${token}.x`, check, secret)).toBeUndefined();
    expect(verifyHs256('not a token', check, secret)).toBeUndefined();
  });

  it('refuses a header it did not write, even correctly signed: alg none, HS512, crit, other typ', async () => {
    const signed = async (header: Record<string, unknown>) =>
      new SignJWT({ ctx: {} })
        .setProtectedHeader(header as never)
        .setIssuer(check.issuer)
        .setAudience(check.audience)
        .setIssuedAt()
        .setExpirationTime('60s')
        .sign(key);
    expect(
      verifyHs256(await signed({ alg: 'HS256', typ: check.typ }), check, secret),
    ).toBeDefined();
    expect(
      verifyHs256(await signed({ alg: 'HS512', typ: check.typ }), check, secret),
    ).toBeUndefined();
    expect(
      verifyHs256(await signed({ alg: 'HS256', typ: 'other+jwt' }), check, secret),
    ).toBeUndefined();
    expect(verifyHs256(await signed({ alg: 'HS256' }), check, secret)).toBeUndefined();
    // jose will not sign an unknown critical extension: HMAC it by hand.
    const [, body] = (await signed({ alg: 'HS256', typ: check.typ })).split('.');
    const head = Buffer.from(
      JSON.stringify({ alg: 'HS256', typ: check.typ, crit: ['x'], x: 1 }),
    ).toString('base64url');
    const mac = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
    expect(verifyHs256(`${head}.${body}.${mac}`, check, secret)).toBeUndefined();
  });

  it('refuses another issuer or audience, and honours exp, nbf and the tolerance', () => {
    expect(verifyHs256(sign({ issuer: 'someone' }), check, secret)).toBeUndefined();
    expect(verifyHs256(sign({ audience: 'payments' }), check, secret)).toBeUndefined();
    const old = sign({ now: now() - 70 });
    expect(verifyHs256(old, check, secret)).toBeUndefined();
    expect(
      verifyHs256(sign({ now: now() - 62 }), { ...check, clockTolerance: 5 }, secret),
    ).toBeDefined();
    const later = signHs256({ nbf: now() + 30 }, { ...check, lifetimeSeconds: 60 }, secret);
    expect(verifyHs256(later, check, secret)).toBeUndefined();
  });

  it('keeps the internal context and the service call apart (one typ each)', async () => {
    const ctx = await signInternalContext(
      { requestId: 'r1', principal: { kind: 'anonymous' } as never },
      'accounts',
      secret,
    );
    expect((await verifyInternalContext(ctx, 'accounts', secret))?.requestId).toBe('r1');
    expect(await verifyInternalContext(ctx, 'payments', secret)).toBeUndefined();
    expect(await verifyServiceCall(ctx, 'accounts', secret)).toBe(false);
    const call = await signServiceCall('consent', secret);
    expect(await verifyServiceCall(call, 'consent', secret)).toBe(true);
    expect(await verifyInternalContext(call, 'consent', secret)).toBeUndefined();
  });
});
