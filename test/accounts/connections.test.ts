/**
 * Bank connections on SQLite and PostgreSQL, against sandbox banks over HTTP: the connect
 * flow, what is stored (and what is not), session refresh, replacement and key rotation.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError, type AppError } from '../../src/shared/errors/index.ts';
import { keyIdOf } from '../../src/shared/crypto/secret-box.ts';
import { actAsSandboxPsu } from '../../src/subgraphs/accounts/banks/sandbox-psu.ts';
import { storeKinds } from '../support/stores.ts';
import { psuPrincipal as psu } from './support/alice-consent.ts';
import { bankSideAccounts, startStoreSystem, type StoreSystem } from './support/store-system.ts';

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(error)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

for (const kind of storeKinds) {
  describe(`bank connections on ${kind.provider}`, async () => {
    const available = await kind.available();
    let s: StoreSystem;
    beforeAll(async () => {
      if (available) s = await startStoreSystem(await kind.create());
    });
    afterAll(async () => {
      if (available) await s.close();
    });

    it.skipIf(!available)(
      'connects a PSU at an OBIE and a Berlin Group bank; bank ids, numbers and tokens are sealed at rest',
      async () => {
        const obie = await s.connect('psu_alice', 'alice', 'bank-obie');
        const bg = await s.connect('psu_alice', 'alice', 'bank-bg');
        expect([obie.status, bg.status]).toEqual(['Active', 'Active']);
        expect(await s.accountIds('psu_alice', 'bank-obie')).toHaveLength(2);
        expect(await s.accountIds('psu_alice', 'bank-bg')).toHaveLength(2);

        const session = await s.services.connections.session(obie.id);
        const secrets = [
          session.accessToken!,
          session.refreshToken!,
          session.bankConsentId,
          (await s.services.connections.session(bg.id)).bankConsentId,
        ];
        const identifiers = [
          ...(await bankSideAccounts(s.obie, 'alice')),
          ...(await bankSideAccounts(s.bg, 'alice')),
        ].flatMap((a) => [a.accountId, a.iban, ...(a.accountNumber ? [a.accountNumber] : [])]);
        const stored = JSON.stringify([
          await s.db.connection.findMany(),
          await s.db.account.findMany(),
        ]);
        for (const value of [...secrets, ...identifiers]) expect(stored).not.toContain(value);

        // The API still gets them back, for callers allowed to see them.
        const [account] = await s.services.accounts.visible(psu('psu_alice'), undefined);
        const identification = s.services.accounts.identification(account!);
        expect(identification?.identification).toMatch(/^[A-Z0-9]{8,34}$/);
        expect(identifiers).toContain(
          identification!.scheme === 'IBAN'
            ? identification!.identification
            : identification!.identification.slice(6),
        );
      },
    );

    it.skipIf(!available)('scripts a PSU’s bank login only at sandbox banks', async () => {
      const started = await s.services.connections.start('psu_bob', 'real-bank');
      expect(started.bankConsentId).toBeTruthy();
      const realBank = s.banks.find((b) => b.id === 'real-bank')!;
      const refused = await failure(
        actAsSandboxPsu(realBank, started.authorisationUrl!, { username: 'bob' }),
      );
      expect(refused.code).toBe('BAD_USER_INPUT');
      expect(refused.details['bankId']).toBe('real-bank');
      const noCode = await failure(
        s.services.connections.complete('psu_bob', started.connection.id, {}),
      );
      expect(noCode.code).toBe('BAD_USER_INPUT');
    });

    it.skipIf(!available)('Berlin Group hands back the bank’s SCA redirect link', async () => {
      const started = await s.services.connections.start('psu_carol', 'bank-bg');
      expect(started.authorisationUrl).toBe(
        `${s.bg.url}${new URL(started.authorisationUrl!).pathname}`,
      );
      expect(new URL(started.authorisationUrl!).pathname).toMatch(/^\/login\/[\w-]{32}$/);
      expect(started.connection.status).toBe('AwaitingAuthorisation');
    });

    it.skipIf(!available)(
      'a PSU cannot complete or disconnect another PSU’s connection',
      async () => {
        const started = await s.services.connections.start('psu_carol', 'bank-obie');
        const complete = await failure(
          s.services.connections.complete('psu_bob', started.connection.id, {
            authorisationCode: 'any',
          }),
        );
        expect(complete.code).toBe('NOT_FOUND');
        const disconnect = await failure(
          s.services.connections.disconnect('psu_bob', started.connection.id),
        );
        expect(disconnect.code).toBe('NOT_FOUND');
      },
    );

    it.skipIf(!available)(
      'reconnecting replaces the old connection and keeps account ids; disconnecting drops the session and hides the accounts',
      async () => {
        const first = await s.connect('psu_bob', 'bob', 'bank-obie');
        const ids = await s.accountIds('psu_bob', 'bank-obie');
        const second = await s.connect('psu_bob', 'bob', 'bank-obie');
        expect(await s.accountIds('psu_bob', 'bank-obie')).toEqual(ids);
        const rows = await s.db.connection.findMany({
          where: { id: { in: [first.id, second.id] } },
        });
        const byId = new Map(rows.map((r) => [r.id, r]));
        expect(byId.get(first.id)).toMatchObject({ status: 'Replaced', secret: null });
        expect(byId.get(second.id)!.status).toBe('Active');

        await s.services.connections.disconnect('psu_bob', second.id);
        const gone = await s.db.connection.findUniqueOrThrow({ where: { id: second.id } });
        expect(gone).toMatchObject({ status: 'Disconnected', secret: null });
        const visible = await s.services.accounts.visible(psu('psu_bob'), undefined);
        expect(visible.filter((a) => a.bankId === 'bank-obie')).toEqual([]);
        const error = await failure(s.services.connections.session(second.id));
        expect(error.details).toMatchObject({ bankId: 'bank-obie', reason: 'consent_invalid' });
      },
    );

    it.skipIf(!available)(
      'refreshes an OBIE session that is about to end, once, with the refresh token',
      async () => {
        const connection = await s.connect('psu_carol', 'carol', 'bank-obie');
        const before = await s.services.connections.session(connection.id);
        s.obie.resetCallCount();
        s.clock.advance(2 * 3600_000); // past the sandbox's 1 h access tokens
        try {
          const [a, b] = await Promise.all([
            s.services.connections.session(connection.id),
            s.services.connections.session(connection.id),
          ]);
          expect(a.accessToken).not.toBe(before.accessToken);
          expect(b.accessToken).toBe(a.accessToken);
          expect(s.obie.callCount({ pathPrefix: '/oauth/token' })).toBe(1);
          expect((await s.services.connections.session(connection.id)).accessToken).toBe(
            a.accessToken,
          );
          expect(s.obie.callCount({ pathPrefix: '/oauth/token' })).toBe(1);
        } finally {
          s.clock.offsetMs = 0;
        }
      },
    );

    it.skipIf(!available)(
      'a Berlin Group consent past validUntil needs the PSU again',
      async () => {
        const connection = await s.connect('psu_carol', 'carol', 'bank-bg');
        // A DE bank: its consent runs the EU re-authentication period, 180 days.
        s.clock.advance(200 * 86_400_000);
        try {
          const error = await failure(s.services.connections.session(connection.id));
          expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
          expect(error.details).toMatchObject({ bankId: 'bank-bg', reason: 'consent_invalid' });
          const row = await s.db.connection.findUniqueOrThrow({ where: { id: connection.id } });
          expect(row.status).toBe('ReauthorisationRequired');
        } finally {
          s.clock.offsetMs = 0;
        }
      },
    );

    it.skipIf(!available)(
      'key rotation: values sealed under the old key move to the new one',
      async () => {
        const newKey = randomBytes(32).toString('base64');
        const rotated = s.servicesWith({}, { key: newKey, previousKeys: [s.key] });
        expect(await rotated.connections.resealStale()).toBeGreaterThan(0);
        expect(await rotated.connections.resealStale()).toBe(0);
        const newKeyId = keyIdOf(Buffer.from(newKey, 'base64'));
        const sealed = [
          ...(await s.db.connection.findMany()).map((c) => c.secret),
          ...(await s.db.account.findMany()).flatMap((a) => [
            a.bankAccountRef,
            a.identificationSecret,
          ]),
        ].filter((v): v is string => v !== null);
        expect(sealed.length).toBeGreaterThan(0);
        for (const v of sealed) expect(v.split('.')[1]).toBe(newKeyId);
        // Only the new key is needed from now on.
        const onlyNew = s.servicesWith({}, { key: newKey });
        const [account] = await onlyNew.accounts.visible(psu('psu_alice'), undefined);
        expect(onlyNew.accounts.identification(account!)).not.toBeNull();
      },
    );
  });
}
