import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAudit } from '../../src/shared/audit/index.ts';
import { internalSecretOf } from '../../src/shared/service/index.ts';
import { clientAddressHeader, signClientAddress } from '../../src/shared/throttle/index.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * The throttle behind the gateway: the consent service must count the caller's address,
 * not the gateway's, must not take an address from the caller, and the caller must get
 * the Retry-After. SIGNIN_MAX_FAILURES=4: three free failures, the fourth locks.
 */
describe('credential throttling through the gateway', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startTestSystem({ SIGNIN_MAX_FAILURES: '4', SIGNIN_LOCKOUT_SECONDS: '600' });
  }, 120_000);
  afterAll(() => t?.stop());

  const signIn = async (password: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${t.url}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('ledgergraph-consent-ui:consent-ui-secret').toString('base64')}`,
        ...headers,
      },
      body: new URLSearchParams({ grant_type: 'password', username: 'carol', password }),
    });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      interactionId: res.headers.get('x-fapi-interaction-id'),
      body: (await res.json()) as { error?: string },
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
    expect(locked.body.error).toBe('invalid_grant');
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
