import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BankDefinition } from '../../src/shared/banks.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { loadConfig } from '../../src/shared/config/index.ts';
import { AccountsClient } from '../../src/shared/internal-api/accounts.ts';
import {
  migratePaymentsDb,
  openPaymentsDb,
  type PaymentsDb,
} from '../../src/subgraphs/payments/db/client.ts';
import { createPaymentServices } from '../../src/subgraphs/payments/index.ts';
import type { Caller } from '../../src/subgraphs/payments/services/caller.ts';
import type { PaymentOrderInput } from '../../src/subgraphs/payments/services/input.ts';
import { startAccountsDirectory, type AccountsDirectory } from './accounts-directory.ts';
import { FakePisConnector } from './fake-bank.ts';
import { iban } from './support.ts';
import { refusal } from '../support/refusal.ts';

const bank = (id: string, standard: BankDefinition['standard']): BankDefinition => ({
  id,
  name: id,
  standard,
  ...(standard === 'obie' ? { obieVersion: '3.1.11' as const } : {}),
  baseUrl: 'http://fake.test',
  clientId: 'c',
  clientSecret: 's',
  sandbox: true,
  country: 'GB',
});
const obie = bank('fake-obie', 'obie');
const bg = bank('fake-bg', 'berlin-group');
const otherObie = bank('fake-obie-2', 'obie');

// Alice's and Bob's accounts as their banks identify them.
const aliceSortCode = '40400411112222';
const aliceGbIban = iban('GB', `OBIE${aliceSortCode}`);
const aliceDeIban = iban('DE', '370400440532013000');
const aliceOtherDeIban = iban('DE', '370400440532013111');
const bobDeIban = iban('DE', '370400440532019999');
const bobSortCode = '40400499998888';

const sepa = (debtor: string, overrides: Partial<PaymentOrderInput> = {}): PaymentOrderInput => ({
  bankId: bg.id,
  amount: '20.00',
  currency: 'EUR',
  creditorName: 'Corner Bakery',
  creditorAccount: { scheme: 'IBAN', identification: iban('DE', '370400440532010001') },
  reference: 'Cakes',
  debtorAccount: { scheme: 'IBAN', identification: debtor },
  ...overrides,
});
const gbp = (overrides: Partial<PaymentOrderInput> = {}): PaymentOrderInput => ({
  bankId: obie.id,
  amount: '10.00',
  currency: 'GBP',
  creditorName: 'Corner Bakery',
  creditorAccount: { scheme: 'SortCodeAccountNumber', identification: '20150012345678' },
  reference: 'Cakes',
  ...overrides,
});

describe('a debtor account is bound to the consent, however it is named (review 15.2)', () => {
  let directory: AccountsDirectory;
  let dir: string;
  let db: PaymentsDb;
  const fake = new FakePisConnector();
  let n = 0;
  const key = () => `debtor-${++n}`;
  let alice: Caller;
  let aliceAccounts: { obie: string; bg: string; bgNotShared: string; otherBank: string };

  const settings = loadConfig({ PAYMENTS_SCA_THRESHOLD: '1000.00' }).payments;
  const servicesWith = (accounts: AccountsClient) =>
    createPaymentServices({
      db,
      internalSecret: 'x'.repeat(40),
      banks: [obie, bg, otherObie],
      settings,
      clock: systemClock,
      connectors: new Map([obie, bg, otherObie].map((b) => [b.id, fake])),
      accounts,
    });
  let services: ReturnType<typeof servicesWith>;

  beforeAll(async () => {
    directory = await startAccountsDirectory();
    dir = mkdtempSync(join(tmpdir(), 'lg-debtor-binding-'));
    const url = `file:${join(dir, 'payments.db')}`;
    await migratePaymentsDb(url);
    db = openPaymentsDb(url);
    services = servicesWith(directory.client);
    aliceAccounts = {
      obie: await directory.add('psu_alice', obie.id, {
        scheme: 'SortCodeAccountNumber',
        identification: aliceSortCode,
      }),
      bg: await directory.add('psu_alice', bg.id, { scheme: 'IBAN', identification: aliceDeIban }),
      bgNotShared: await directory.add('psu_alice', bg.id, {
        scheme: 'IBAN',
        identification: aliceOtherDeIban,
      }),
      otherBank: await directory.add('psu_alice', otherObie.id, {
        scheme: 'SortCodeAccountNumber',
        identification: '40400433334444',
      }),
    };
    await directory.add('psu_bob', bg.id, { scheme: 'IBAN', identification: bobDeIban });
    await directory.add('psu_bob', obie.id, {
      scheme: 'SortCodeAccountNumber',
      identification: bobSortCode,
    });
    alice = {
      principal: {
        kind: 'consent',
        subject: 'psu_alice',
        clientId: 'demo-pfm',
        psuId: 'psu_alice',
        consentId: 'cns_alice',
        scopes: ['payments:initiate', 'payments:read'],
        tokenId: 'jti',
        issuer: 'test',
        expiresAt: 0,
      },
      clientAppId: 'demo-pfm',
      psuId: 'psu_alice',
      consentId: 'cns_alice',
      // Her consent covers one account at each OBIE bank and one of her two at the BG bank.
      accountIds: [aliceAccounts.obie, aliceAccounts.bg, aliceAccounts.otherBank],
    };
  });
  afterAll(async () => {
    await db.$disconnect();
    await directory.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Refused with this code, before any bank call and without a consent row. */
  async function refusedBeforeTheBank(input: PaymentOrderInput, code: string) {
    const calls = { ...fake.calls };
    const rows = await db.domesticPaymentConsent.count();
    const e = await refusal(services.paymentConsents.create(alice, key(), input));
    expect(e.code).toBe(code);
    expect(fake.calls).toEqual(calls);
    expect(await db.domesticPaymentConsent.count()).toBe(rows);
    return e;
  }

  it('Berlin Group: another PSU’s IBAN under alice’s consent is FORBIDDEN and never reaches the bank', async () => {
    const e = await refusedBeforeTheBank(sepa(bobDeIban), 'FORBIDDEN');
    expect(e.message).toMatch(/debtorAccount is not one of the accounts the PSU shared/);
  });

  it('Berlin Group: alice’s own account id beside bob’s IBAN does not vouch for the IBAN', async () => {
    await refusedBeforeTheBank(sepa(bobDeIban, { debtorAccountId: aliceAccounts.bg }), 'FORBIDDEN');
  });

  it('Berlin Group: alice’s own IBAN that her consent does not cover is FORBIDDEN', async () => {
    await refusedBeforeTheBank(sepa(aliceOtherDeIban), 'FORBIDDEN');
  });

  it('Berlin Group: the IBAN of an account the consent covers passes, spaces and case aside', async () => {
    const spaced = aliceDeIban.toLowerCase().replace(/(.{4})/g, '$1 ');
    const created = await services.paymentConsents.create(alice, key(), sepa(spaced));
    expect(created.status).toBe('AwaitingAuthorisation');
    const withId = await services.paymentConsents.create(
      alice,
      key(),
      sepa(aliceDeIban, { debtorAccountId: aliceAccounts.bg }),
    );
    expect(withId.debtorAccountId).toBe(aliceAccounts.bg);
  });

  it('OBIE DebtorAccount: another PSU’s sort code and account number is FORBIDDEN', async () => {
    await refusedBeforeTheBank(
      gbp({ debtorAccount: { scheme: 'SortCodeAccountNumber', identification: bobSortCode } }),
      'FORBIDDEN',
    );
  });

  it('OBIE DebtorAccount: a consent account names itself by sort code or by its UK IBAN', async () => {
    const bySortCode = await services.paymentConsents.create(
      alice,
      key(),
      gbp({ debtorAccount: { scheme: 'SortCodeAccountNumber', identification: aliceSortCode } }),
    );
    expect(bySortCode.status).toBe('AwaitingAuthorisation');
    const byIban = await services.paymentConsents.create(
      alice,
      key(),
      gbp({ debtorAccount: { scheme: 'IBAN', identification: aliceGbIban } }),
    );
    expect(byIban.status).toBe('AwaitingAuthorisation');
  });

  it('a consent account at another bank than the order’s is FORBIDDEN', async () => {
    await refusedBeforeTheBank(
      gbp({
        bankId: otherObie.id,
        debtorAccount: { scheme: 'SortCodeAccountNumber', identification: aliceSortCode },
      }),
      'FORBIDDEN',
    );
  });

  it('debtorAccountId outside the consent is FORBIDDEN, as before', async () => {
    await refusedBeforeTheBank(gbp({ debtorAccountId: aliceAccounts.bgNotShared }), 'FORBIDDEN');
  });

  it('debtorAccountId and debtorAccount naming two of the consent’s accounts is BAD_USER_INPUT', async () => {
    const e = await refusedBeforeTheBank(
      gbp({
        debtorAccountId: aliceAccounts.otherBank,
        debtorAccount: { scheme: 'SortCodeAccountNumber', identification: aliceSortCode },
      }),
      'BAD_USER_INPUT',
    );
    expect(e.details['field']).toBe('debtorAccount');
  });

  it('fails closed: with the accounts service down or refusing the call, UPSTREAM_UNAVAILABLE and no bank call', async () => {
    const stopped = await startAccountsDirectory();
    await stopped.stop();
    const clients = [
      new AccountsClient({ baseUrl: stopped.url, secret: directory.secret }),
      new AccountsClient({ baseUrl: directory.url, secret: 'not-the-internal-secret-0123456789' }),
    ];
    for (const client of clients) {
      services = servicesWith(client);
      try {
        await refusedBeforeTheBank(sepa(aliceDeIban), 'UPSTREAM_UNAVAILABLE');
      } finally {
        services = servicesWith(directory.client);
      }
    }
  });
});
