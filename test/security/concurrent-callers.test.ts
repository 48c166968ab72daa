import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/shared/audit/index.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * Two PSUs' apps sending the very same query at the very same time. The gateway engine's
 * HTTP executor can merge identical in-flight subgraph queries; keyed before the caller is
 * signed into the fetch, that would hand one PSU's accounts to the other.
 */
describe('identical queries from different callers at once', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem();
  });
  afterAll(async () => t?.stop());

  const query = '{ me { id accounts { id nickname } } }';
  type Me = { me: { id: string; accounts: { id: string }[] } };

  it('each gets their own answer, under their own audit records', async () => {
    const permissions = ['ReadAccountsBasic'];
    const alice = await t.authorisedConsent({ permissions });
    const bob = await t.authorisedConsent({ permissions, psu: ['bob', 'bob-sandbox'] });
    const own = async (token: string) =>
      (await t.execute<Me>(token, query)).data!.me.accounts.map((a) => a.id).sort();
    const aliceAccounts = await own(alice.token);
    const bobAccounts = await own(bob.token);
    expect(aliceAccounts.length).toBeGreaterThan(0);
    expect(bobAccounts.length).toBeGreaterThan(0);
    expect(aliceAccounts.some((id) => bobAccounts.includes(id))).toBe(false);

    const rounds = 10;
    const answers = await Promise.all(
      Array.from({ length: rounds }, (_, i) => [
        t.execute<Me>(alice.token, query, undefined, { 'x-fapi-interaction-id': `a-${i}` }),
        t.execute<Me>(bob.token, query, undefined, { 'x-fapi-interaction-id': `b-${i}` }),
      ]).flat(),
    );
    answers.forEach((res, i) => {
      const expected = i % 2 === 0 ? aliceAccounts : bobAccounts;
      expect(res.errors).toBeUndefined();
      expect(res.data!.me.accounts.map((a) => a.id).sort(), `answer ${i}`).toEqual(expected);
    });

    // Every request reached the accounts subgraph under its own id.
    const batches = await t.system.audit.db.auditBatch.findMany({
      where: { service: 'accounts', requestId: { in: answers.map((_, i) => idOf(i)) } },
    });
    expect(new Set(batches.map((b) => b.requestId)).size).toBe(rounds * 2);
    for (const b of batches)
      expect(b.psuId).toBe(b.requestId.startsWith('a-') ? 'psu_alice' : 'psu_bob');
    expect(await verifyChain(t.system.audit.db)).toMatchObject({ ok: true });
  });
});

const idOf = (i: number) => `${i % 2 === 0 ? 'a' : 'b'}-${Math.floor(i / 2)}`;
