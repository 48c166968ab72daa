import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/shared/auth/principal.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { AccountsClient } from '../../src/shared/internal-api/accounts.ts';
import {
  migrateConsentDb,
  openConsentDb,
  type ConsentDb,
} from '../../src/subgraphs/consent/db/client.ts';
import { seedConsentDb } from '../../src/subgraphs/consent/db/seed.ts';
import { ConsentService } from '../../src/subgraphs/consent/services/consent.service.ts';
import { startAccountsDirectory, type AccountsDirectory } from '../payments/accounts-directory.ts';
import { refusal } from '../support/refusal.ts';

const client: Principal = {
  kind: 'client',
  subject: 'demo-pfm',
  clientId: 'demo-pfm',
  scopes: ['consents:manage'],
  tokenId: 't',
  issuer: 'i',
  expiresAt: 0,
};
const alice: Principal = {
  kind: 'psu',
  subject: 'psu_alice',
  clientId: 'ledgergraph-hosted-pages',
  psuId: 'psu_alice',
  scopes: ['consents:authorise'],
  tokenId: 't',
  issuer: 'i',
  expiresAt: 0,
};

describe('a consent selects only the PSU’s own accounts (review 15.5)', () => {
  let directory: AccountsDirectory;
  let dir: string;
  let db: ConsentDb;
  let service: ConsentService;
  let alices: string[];
  let bobs: string;

  beforeAll(async () => {
    directory = await startAccountsDirectory();
    dir = mkdtempSync(join(tmpdir(), 'lg-consent-ownership-'));
    const url = `file:${join(dir, 'consent.db')}`;
    await migrateConsentDb(url);
    db = openConsentDb(url);
    await seedConsentDb(db);
    service = new ConsentService(db, systemClock, undefined, directory.client);
    alices = [
      await directory.add('psu_alice', 'bank-a'),
      await directory.add('psu_alice', 'bank-b'),
    ];
    bobs = await directory.add('psu_bob', 'bank-a');
  });
  afterAll(async () => {
    await db.$disconnect();
    await directory.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const requested = () => service.request(client, { permissions: ['ReadAccountsBasic'] });

  it('refuses another PSU’s account id and a made-up id with BAD_USER_INPUT naming both', async () => {
    const consent = await requested();
    const e = await refusal(
      service.authorise(alice, consent.id, [alices[0]!, bobs, 'acc_made_up']),
    );
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.details).toMatchObject({ field: 'accountIds', accountIds: [bobs, 'acc_made_up'] });
    expect(e.message).toContain(bobs);
    expect(e.message).toContain('acc_made_up');
    expect(e.message).not.toContain(alices[0]);
    const stored = await db.consent.findUniqueOrThrow({ where: { id: consent.id } });
    expect(stored).toMatchObject({ status: 'AwaitingAuthorisation', psuId: null });
  });

  it('authorises with the PSU’s own ids, stored as chosen', async () => {
    const consent = await requested();
    const authorised = await service.authorise(alice, consent.id, alices);
    expect(authorised.status).toBe('Authorised');
    expect(JSON.parse(authorised.selectedAccountIds)).toEqual(alices);
  });

  it('fails closed: the accounts service down or refusing the call is UPSTREAM_UNAVAILABLE, and the consent waits', async () => {
    const stopped = await startAccountsDirectory();
    await stopped.stop();
    for (const accounts of [
      new AccountsClient({ baseUrl: stopped.url, secret: directory.secret }),
      new AccountsClient({ baseUrl: directory.url, secret: 'not-the-internal-secret-0123456789' }),
    ]) {
      const blind = new ConsentService(db, systemClock, undefined, accounts);
      const consent = await requested();
      expect((await refusal(blind.authorise(alice, consent.id, alices))).code).toBe(
        'UPSTREAM_UNAVAILABLE',
      );
      const stored = await db.consent.findUniqueOrThrow({ where: { id: consent.id } });
      expect(stored.status).toBe('AwaitingAuthorisation');
    }
  });
});
