import { describe, expect, it } from 'vitest';
import type { Principal } from '../../src/shared/auth/principal.ts';
import { createVerifiedTokens } from '../../src/gateway/verified-tokens.ts';

const principal = (expiresAt: number): Principal => ({
  kind: 'consent',
  subject: 'psu-1',
  clientId: 'demo-pfm',
  psuId: 'psu-1',
  consentId: 'c-1',
  scopes: ['ReadBalances'],
  tokenId: 'jti-1',
  issuer: 'ledgergraph',
  expiresAt,
});

/** A verifier that counts how often the signature would have been checked. */
function verifier(result: () => Principal) {
  let calls = 0;
  return {
    verify: async () => {
      calls += 1;
      return result();
    },
    get calls() {
      return calls;
    },
  };
}

describe('remembered access-token verifications', () => {
  it('checks a token once, then answers from memory until a minute has passed', async () => {
    let now = 1_000;
    const memo = createVerifiedTokens({ now: () => now });
    const v = verifier(() => principal(now + 300));
    expect((await memo.get('t1', v.verify)).consentId).toBe('c-1');
    await memo.get('t1', v.verify);
    expect(v.calls).toBe(1);
    now += 59;
    await memo.get('t1', v.verify);
    expect(v.calls).toBe(1);
    now += 1;
    await memo.get('t1', v.verify);
    expect(v.calls).toBe(2);
  });

  it("never past the token's own expiry: an expired token is verified again (and refused)", async () => {
    let now = 1_000;
    const memo = createVerifiedTokens({ now: () => now });
    let expired = false;
    const verify = async () => {
      if (expired) throw new Error('Access token expired');
      return principal(1_010);
    };
    await memo.get('t1', verify);
    now = 1_010;
    expired = true;
    await expect(memo.get('t1', verify)).rejects.toThrow('expired');
    expect(memo.size).toBe(0);
  });

  it('remembers nothing that failed, and keys by the whole token', async () => {
    const memo = createVerifiedTokens();
    await expect(
      memo.get('forged', async () => {
        throw new Error('Access token signature invalid');
      }),
    ).rejects.toThrow();
    expect(memo.size).toBe(0);
    const v = verifier(() => principal(Math.floor(Date.now() / 1000) + 300));
    await memo.get('t1', v.verify);
    await memo.get('t1x', v.verify);
    expect(v.calls).toBe(2);
  });

  it('forgets everything on clear (keys reloaded) and drops the least recently used', async () => {
    const memo = createVerifiedTokens({ maxEntries: 2 });
    const v = verifier(() => principal(Math.floor(Date.now() / 1000) + 300));
    await memo.get('a', v.verify);
    await memo.get('b', v.verify);
    await memo.get('a', v.verify); // a is now the most recent
    await memo.get('c', v.verify); // b goes
    expect(v.calls).toBe(3);
    await memo.get('a', v.verify);
    expect(v.calls).toBe(3);
    await memo.get('b', v.verify);
    expect(v.calls).toBe(4);
    memo.clear();
    await memo.get('a', v.verify);
    expect(v.calls).toBe(5);
  });

  it('hands out a frozen principal: one request cannot change what the next one sees', async () => {
    const memo = createVerifiedTokens();
    const p = await memo.get('t1', async () => principal(Math.floor(Date.now() / 1000) + 300));
    expect(() => (p.scopes as string[]).push('payments:initiate')).toThrow(TypeError);
    expect(() => Object.assign(p, { consentId: 'c-2' })).toThrow(TypeError);
  });
});
