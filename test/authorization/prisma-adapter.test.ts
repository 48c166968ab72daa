import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/shared/clock.ts';
import { prismaAdapter, pruneExpired } from '../../src/subgraphs/consent/authorization/adapter.ts';
import {
  migrateConsentDb,
  openConsentDb,
  type ConsentDb,
} from '../../src/subgraphs/consent/db/client.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';

class MovableClock implements Clock {
  at = new Date('2026-12-01T10:00:00Z');
  now() {
    return new Date(this.at);
  }
}

/**
 * The authorization server's state in the consent store: two replicas (two clients on one
 * database) see each other's writes, a restart (a new client) keeps them, expiry and
 * single use hold, and revoking a grant takes every token of it.
 */
for (const kind of storeKinds) {
  describe(`oidc-provider adapter on ${kind.provider}`, async () => {
    const available = await kind.available();
    if (!available) console.warn(`SKIPPED: adapter on ${kind.provider} (no server)`);
    let store: TestStore;
    let replicaA: ConsentDb;
    let replicaB: ConsentDb;
    const clock = new MovableClock();

    beforeAll(async () => {
      if (!available) return;
      store = await kind.create();
      await migrateConsentDb(store.url);
      replicaA = openConsentDb(store.url);
      replicaB = openConsentDb(store.url);
    });
    afterAll(async () => {
      if (!available) return;
      await replicaA.$disconnect();
      await replicaB.$disconnect();
      await store.drop();
    });

    it.skipIf(!available)(
      'what one replica stores, another reads, and a restart keeps',
      async () => {
        const A = prismaAdapter(replicaA, clock);
        const B = prismaAdapter(replicaB, clock);
        await new A('Session').upsert('s1', { uid: 'u1', accountId: 'psu_alice' }, 600);
        await new A('PushedAuthorizationRequest').upsert('par1', { request: 'x' }, 60);
        expect(await new B('Session').find('s1')).toMatchObject({ accountId: 'psu_alice' });
        expect(await new B('Session').findByUid('u1')).toMatchObject({ accountId: 'psu_alice' });
        expect(await new B('AuthorizationCode').find('s1')).toBeUndefined();

        const restarted = openConsentDb(store.url);
        try {
          const R = prismaAdapter(restarted, clock);
          expect(await new R('PushedAuthorizationRequest').find('par1')).toEqual({ request: 'x' });
        } finally {
          await restarted.$disconnect();
        }
      },
    );

    it.skipIf(!available)('an expired entry reads as absent and is pruned', async () => {
      const A = prismaAdapter(replicaA, clock);
      await new A('PushedAuthorizationRequest').upsert('par-exp', { request: 'y' }, 60);
      clock.at = new Date(clock.at.getTime() + 61_000);
      expect(await new A('PushedAuthorizationRequest').find('par-exp')).toBeUndefined();
      expect(await pruneExpired(replicaA, clock)).toBeGreaterThanOrEqual(1);
      expect(
        await replicaA.oidcPayload.count({ where: { key: 'PushedAuthorizationRequest:par-exp' } }),
      ).toBe(0);
      // Without a scheduler: every so many writes prune on their own.
      const Pruning = prismaAdapter(replicaA, clock, 2);
      await new Pruning('Interaction').upsert('i-old', {}, 10);
      clock.at = new Date(clock.at.getTime() + 11_000);
      await new Pruning('Interaction').upsert('i-new', {}, 10);
      expect(await replicaA.oidcPayload.count({ where: { key: 'Interaction:i-old' } })).toBe(0);
      expect(await replicaA.oidcPayload.count({ where: { key: 'Interaction:i-new' } })).toBe(1);
    });

    it.skipIf(!available)('a code is consumed once, whichever replica consumes it', async () => {
      const A = prismaAdapter(replicaA, clock);
      const B = prismaAdapter(replicaB, clock);
      await new A('AuthorizationCode').upsert('code1', { grantId: 'g1' }, 60);
      await new B('AuthorizationCode').consume('code1');
      const first = (await new A('AuthorizationCode').find('code1'))!.consumed;
      expect(first).toBeTypeOf('number');
      clock.at = new Date(clock.at.getTime() + 5_000);
      await new A('AuthorizationCode').consume('code1');
      // The first consumption stands: a second does not move it.
      expect((await new B('AuthorizationCode').find('code1'))!.consumed).toBe(first);
    });

    it.skipIf(!available)('revoking a grant removes all of its tokens and the grant', async () => {
      const A = prismaAdapter(replicaA, clock);
      await new A('Grant').upsert('g2', { accountId: 'psu_bob' }, 3600);
      await new A('RefreshToken').upsert('rt1', { grantId: 'g2' }, 3600);
      await new A('RefreshToken').upsert('rt2', { grantId: 'g2' }, 3600);
      await new A('RefreshToken').upsert('rt-other', { grantId: 'g3' }, 3600);
      await new A('RefreshToken').revokeByGrantId('g2');
      expect(await new A('RefreshToken').find('rt1')).toBeUndefined();
      expect(await new A('RefreshToken').find('rt2')).toBeUndefined();
      expect(await new A('Grant').find('g2')).toBeUndefined();
      expect(await new A('RefreshToken').find('rt-other')).toMatchObject({ grantId: 'g3' });
    });
  });
}
