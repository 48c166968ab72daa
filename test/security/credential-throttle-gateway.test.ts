import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAudit } from '../../src/shared/audit/index.ts';
import { internalSecretOf } from '../../src/shared/service/index.ts';
import { clientAddressHeader, signClientAddress } from '../../src/shared/throttle/index.ts';
import { currentTotpCode } from '../../src/shared/crypto/totp.ts';
import { demoPsus } from '../../src/subgraphs/consent/db/seed.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

const carol = demoPsus.find((p) => p.username === 'carol')!;
const totp = () => currentTotpCode(carol.totpSecret);

/**
 * The throttle behind the gateway (the hosted sign-in, where a PSU's password is checked):
 * the consent service must count the caller's address,
 * not the gateway's, must not take an address from the caller, and the caller must get
 * the Retry-After. SIGNIN_MAX_FAILURES=4: three free failures, the fourth locks.
 */
describe('credential throttling through the gateway', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startTestSystem({ SIGNIN_MAX_FAILURES: '4', SIGNIN_LOCKOUT_SECONDS: '600' });
  }, 120_000);
  afterAll(() => t?.stop());

  /** Carol signing in on the hosted page, through the gateway: the form, then the post. */
  const signIn = async (password: string, headers: Record<string, string> = {}) => {
    const form = await fetch(`${t.url}/account/signin`);
    const cookie = form.headers.getSetCookie()[0]!.split(';')[0]!;
    const csrf = /name="csrf" value="([^"]*)"/.exec(await form.text())![1]!;
    const res = await fetch(`${t.url}/account/signin`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...headers },
      body: new URLSearchParams({ csrf, username: 'carol', password, otp: totp() }),
    });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      interactionId: res.headers.get('x-fapi-interaction-id'),
      throttled: /Too many failed attempts/.test(await res.text()),
    };
  };

  it('a lockout reaches the caller as 429 with Retry-After, whatever address header the caller sends, and is audited with the request id', async () => {
    const forged = (i: number) => ({
      [clientAddressHeader]: `not-a-signed-address-${i}`,
      'x-forwarded-for': `203.0.113.${i}`,
    });
    const statuses = [];
    let locking = '';
    for (let i = 0; i < 4; i++) {
      const r = await signIn(`wrong-${i}`, forged(i));
      statuses.push(r.status);
      locking = r.interactionId!;
    }
    expect(statuses).toEqual([400, 400, 400, 400]);
    const locked = await signIn('carol-sandbox', forged(9));
    expect(locked.status).toBe(429);
    expect(locked.throttled).toBe(true);
    expect(Number(locked.retryAfter)).toBeGreaterThan(590);

    const page = await searchAudit(
      t.system.audit.db,
      { psuId: 'psu_carol', fieldPath: 'Security.credentialLockout' },
      { first: 5 },
    );
    expect(page.records).toHaveLength(1);
    expect(page.records[0]!.requestId).toBe(locking);
    // The gateway's own address header names the caller (loopback here), not the forged ones.
    expect(JSON.parse(page.records[0]!.args!)).toMatchObject({
      address: expect.stringMatching(/127\.0\.0\.1$/),
    });
  });

  it('even a validly signed address header from a caller is replaced by the gateway', async () => {
    // Signed with the internal secret itself: still the gateway's header wins, so the
    // lockout on the caller's real address holds.
    const header = await signClientAddress('198.51.100.1', internalSecretOf(t.config));
    const r = await signIn('carol-sandbox', { [clientAddressHeader]: header });
    expect(r.status).toBe(429);
  });
});
