import { afterEach, describe, expect, it } from 'vitest';
import { BerlinGroupConnector } from '../../../src/subgraphs/accounts/connectors/berlin-group/connector.js';
import type { BankSession } from '../../../src/subgraphs/accounts/connectors/connector.js';
import {
  skippedEntries,
  type SkippedEntry,
} from '../../../src/subgraphs/accounts/connectors/entries.js';
import { ObieConnector } from '../../../src/subgraphs/accounts/connectors/obie/connector.js';
import type { ObieVersion } from '../../../src/subgraphs/accounts/connectors/obie/schemas.js';
import { OpenApiSpec } from '../../sandbox/openapi.js';
import {
  bgAccountsWithinSpec,
  bgEdgeBank,
  bgImpossibleDate,
  bgTransactionsWithinSpec,
  dateTimeForms,
  obieEdgeBank,
  obieOffSpec,
  obieWithinSpec,
  type ObieEdgeBodies,
} from './support/edge-fixtures.js';
import { FakeTiming, type FakeBank } from './support/fake-bank.js';

/**
 * A connector maps, or leaves out with a recorded reason, every entry the official schema
 * admits, and never refuses a whole list because one entry is unusual.
 */
let banks: FakeBank[] = [];
afterEach(async () => {
  await Promise.all(banks.map((b) => b.close()));
  banks = [];
});

const range = { from: '2025-03-01T00:00:00Z', to: '2025-03-10T23:59:59Z' };

describe.each(['3.1.11', '4.0'] as const)('OBIE %s at the edges of the spec', (version) => {
  const spec = new OpenApiSpec(`obie-v${version}-account-info-openapi.yaml`);
  const bankId = `obie-edges-${version}`;
  const session: BankSession = { standard: 'obie', bankConsentId: 'c', accessToken: 'at' };

  async function setUp(bodies: ObieEdgeBodies) {
    const bank = await obieEdgeBank(version as ObieVersion, bodies);
    banks.push(bank);
    const skipped: SkippedEntry[] = [];
    const connector = new ObieConnector({
      bankId,
      version,
      baseUrl: bank.url,
      clientId: 'ledgergraph',
      onSkippedEntry: (s) => skipped.push(s),
      http: { timing: new FakeTiming() },
    });
    return { connector, skipped };
  }

  it('the fixtures are what the official OpenAPI file admits', () => {
    const bodies = obieWithinSpec(version);
    expect(spec.check('GET', '/accounts', 200, bodies.accounts)).toEqual([]);
    expect(spec.check('GET', '/balances', 200, bodies.balances)).toEqual([]);
    expect(spec.check('GET', '/transactions', 200, bodies.transactions)).toEqual([]);
  });

  it('reads every RFC 3339 date-time form, and 5 decimals with 13 digits', async () => {
    const { connector, skipped } = await setUp(obieWithinSpec(version));
    const result = await connector.getTransactions(session, {
      ...range,
      bankAccountIds: ['acc-1'],
    });
    expect(skipped).toEqual([]);
    const byId = new Map(result.map((t) => [t.bankTransactionId, t]));
    dateTimeForms.forEach(([, utc], i) => {
      expect(byId.get(`tx-form-${i}`)).toMatchObject({ bookingDateTime: utc, valueDateTime: utc });
    });
    expect(byId.get('tx-5dp')?.amount).toBe('9999999999999.12345');
    expect(byId.has('tx-plain')).toBe(true);

    const balances = await connector.getBalances(session, ['acc-1', 'acc-2']);
    expect(balances.map((b) => [b.bankAccountId, b.amount, b.dateTime])).toEqual([
      ['acc-1', '1230.50', '2025-03-10T09:00:00.000Z'],
      ['acc-1', '12.00', '2025-03-10T08:00:00.000Z'],
      ['acc-2', '0.12345', '2025-03-10T09:00:00.000Z'],
    ]);
  });

  it('maps an empty SchemeName; leaves out an account without Currency, with the reason', async () => {
    const { connector, skipped } = await setUp(obieWithinSpec(version));
    const accounts = await connector.listAccounts(session);
    expect(accounts.map((a) => a.bankAccountId)).toEqual(['acc-1', 'acc-empty-scheme']);
    expect(accounts[1]?.identification).toEqual({ scheme: '', identification: '12345678' });
    expect(skipped).toEqual([
      { bankId, endpoint: 'GET /accounts', kind: 'account', reason: 'no_currency' },
    ]);
  });

  it('keeps more decimals than the spec names; skips an off-spec entry with the reason, the rest arrive', async () => {
    const bodies = obieWithinSpec(version);
    const off = obieOffSpec(version);
    const list = (bodies.transactions['Data'] as { Transaction: unknown[] }).Transaction;
    list.splice(1, 0, off.impossibleDate, off.moreDecimals, off.signedAmount);
    const labels = { bank: bankId, kind: 'transaction', reason: 'not_as_specified' } as const;
    const countedBefore = await skippedEntries.get(labels);
    const { connector, skipped } = await setUp(bodies);

    const result = await connector.getTransactions(session, {
      ...range,
      bankAccountIds: ['acc-1'],
    });

    const ids = result.map((t) => t.bankTransactionId);
    expect(ids).toHaveLength(list.length - 2);
    expect(ids).not.toContain('tx-feb-30');
    expect(ids).not.toContain('tx-signed');
    expect(result.find((t) => t.bankTransactionId === 'tx-7dp')?.amount).toBe('1.1234567');
    expect(skipped).toEqual([
      { ...skippedBase(bankId), issues: ['BookingDateTime: custom'] },
      { ...skippedBase(bankId), issues: ['Amount.Amount: invalid_format'] },
    ]);
    expect(JSON.stringify(skipped)).not.toContain('2025-02-30');
    expect((await skippedEntries.get(labels)) - countedBefore).toBe(2);
  });
});

function skippedBase(bankId: string) {
  return {
    bankId,
    endpoint: 'GET /transactions',
    kind: 'transaction',
    reason: 'not_as_specified',
  };
}

describe('Berlin Group 1.3.12 at the edges of the spec', () => {
  const spec = new OpenApiSpec('berlin-group-nextgenpsd2-v1.3.12.yaml');
  const bankId = 'bg-edges';
  const session: BankSession = { standard: 'berlin-group', bankConsentId: 'bg-consent' };

  async function setUp(transactions = bgTransactionsWithinSpec()) {
    const bank = await bgEdgeBank(bgAccountsWithinSpec(), transactions);
    banks.push(bank);
    const skipped: SkippedEntry[] = [];
    const timing = new FakeTiming(); // 2025-03-10T12:00:00Z
    const connector = new BerlinGroupConnector({
      bankId,
      baseUrl: bank.url,
      onSkippedEntry: (s) => skipped.push(s),
      http: { timing },
    });
    return { connector, skipped, timing };
  }

  it('the fixtures are what the official OpenAPI file admits', () => {
    expect(spec.check('GET', '/v1/accounts', 200, bgAccountsWithinSpec())).toEqual([]);
    expect(
      spec.check('GET', '/v1/accounts/{account-id}/transactions', 200, bgTransactionsWithinSpec()),
    ).toEqual([]);
  });

  it('leaves out accounts without a resourceId, with the reason; empty names read as absent', async () => {
    const { connector, skipped } = await setUp();
    const accounts = await connector.listAccounts(session);
    expect(accounts).toEqual([
      {
        bankAccountId: 'bg-1',
        currency: 'EUR',
        accountType: 'Unknown',
        accountSubType: undefined,
        nickname: 'Girokonto',
        identification: { scheme: 'IBAN', identification: 'DE89370400440532013000' },
      },
      expect.objectContaining({ bankAccountId: 'bg-2' }),
    ]);
    const noId = {
      bankId,
      endpoint: 'GET /v1/accounts',
      kind: 'account',
      reason: 'no_resource_id',
    };
    expect(skipped).toEqual([noId, noId]);
  });

  it('reads every RFC 3339 form of lastChangeDateTime and amounts of any precision', async () => {
    const { connector } = await setUp();
    const balances = await connector.getBalances(session, ['bg-1', 'bg-2']);
    expect(balances[0]).toMatchObject({ amount: '20.123456', creditDebit: 'Debit' });
    expect(balances.slice(1).map((b) => b.dateTime)).toEqual(dateTimeForms.map(([, utc]) => utc));
  });

  it('maps a pending entry with no date by the fetch day, under the same id the next day', async () => {
    const { connector, skipped, timing } = await setUp();
    const query = { ...range, bankAccountIds: ['bg-1'] };
    const first = await connector.getTransactions(session, query);
    const card = first.find((t) => t.counterpartyName === 'Card: Bakery');
    expect(card).toMatchObject({
      status: 'Pending',
      amount: '4.5',
      creditDebit: 'Debit',
      bookingDateTime: '2025-03-10T00:00:00.000Z',
      valueDateTime: undefined,
    });
    expect(card?.bankTransactionId).toMatch(/^h-[0-9a-f]{32}$/);
    expect(first.find((t) => t.bankTransactionId === 'p-undated')).toMatchObject({
      status: 'Pending',
      bookingDateTime: '2025-03-10T00:00:00.000Z',
    });
    expect(skipped.map((s) => [s.kind, s.reason])).toEqual([
      ['transaction', 'undated_booked_entry'],
    ]);

    timing.advance(24 * 3600_000);
    const next = await connector.getTransactions(session, query);
    const again = next.find((t) => t.counterpartyName === 'Card: Bakery');
    expect(again?.bankTransactionId).toBe(card?.bankTransactionId);
    expect(again?.bookingDateTime).toBe('2025-03-11T00:00:00.000Z');
  });

  it('keeps decimals beyond the pattern, reads empty strings as absent, skips undated booked entries', async () => {
    const { connector, skipped } = await setUp();
    const result = await connector.getTransactions(session, {
      ...range,
      bankAccountIds: ['bg-1'],
    });
    expect(result.find((t) => t.bankTransactionId === 'b-decimals')).toMatchObject({
      amount: '1234.56789',
      creditDebit: 'Credit',
    });
    const unnamed = result.find((t) => t.bookingDateTime === '2025-03-04T00:00:00.000Z');
    expect(unnamed?.bankTransactionId).toMatch(/^h-/);
    expect(unnamed?.counterpartyName).toBeUndefined();
    expect(unnamed?.description).toBe('Brot');
    expect(result.map((t) => t.bankTransactionId)).not.toContain('b-undated');
    expect(skipped).toEqual([
      {
        bankId,
        endpoint: 'GET /v1/accounts/{account-id}/transactions',
        kind: 'transaction',
        reason: 'undated_booked_entry',
      },
    ]);
  });

  it('skips an entry on a day that does not exist, with the reason; the rest arrive', async () => {
    const body = bgTransactionsWithinSpec();
    const booked = (body['transactions'] as { booked: unknown[] }).booked;
    booked.unshift(bgImpossibleDate);
    const labels = { bank: bankId, kind: 'transaction', reason: 'not_as_specified' } as const;
    const countedBefore = await skippedEntries.get(labels);
    const { connector, skipped } = await setUp(body);

    const result = await connector.getTransactions(session, {
      ...range,
      bankAccountIds: ['bg-1'],
    });

    expect(result).toHaveLength(5); // 4 booked + 2 pending in the fixture, less the undated one
    expect(result.map((t) => t.bankTransactionId)).not.toContain('b-feb-30');
    expect(skipped[0]).toEqual({
      bankId,
      endpoint: 'GET /v1/accounts/{account-id}/transactions',
      kind: 'transaction',
      reason: 'not_as_specified',
      issues: ['bookingDate: custom'],
    });
    expect((await skippedEntries.get(labels)) - countedBefore).toBe(1);
  });
});
