/**
 * Through the gateway over HTTP, against the embedded sandbox banks: a pending transaction
 * the bank books under a new id stays one transaction (transactionsSync reports it
 * modified, with what it was matched from), and an account whose balance and transactions
 * stop adding up is read with a DATA_QUARANTINED warning until an operator releases it or a
 * clean sync lifts it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts as accountsCommand } from '../../src/commands/accounts.ts';
import { expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';

interface Warning {
  code: string;
  accountIds: string[];
}
interface Tx {
  id: string;
  status: string;
  amount: string;
  matchedFrom: { pendingAmount: string; confidence: number } | null;
  pendingCandidates: string[];
}
interface Sync {
  transactionsSync: { added: Tx[]; modified: Tx[]; removed: { id: string }[]; nextCursor: string };
}

const syncQuery = `query($cursor: String) { transactionsSync(cursor: $cursor, count: 500) {
  added { id status amount matchedFrom { pendingAmount confidence } pendingCandidates }
  modified { id status amount matchedFrom { pendingAmount confidence } pendingCandidates }
  removed { id } nextCursor } }`;
const readQuery = '{ accounts { id balances { type amount } } }';

describe('one transaction from pending to booked; quarantine, through the gateway', () => {
  let t: TestSystem;
  let token: string;
  let ids: string[];
  const warningsOf = (res: unknown) =>
    ((res as { extensions?: { warnings?: Warning[] } }).extensions?.warnings ?? []).filter(
      (w) => w.code === 'DATA_QUARANTINED',
    );
  const read = async () => {
    const sync = await t.execute<Sync>(token, syncQuery);
    expectNoErrors(sync);
    const balances = await t.execute(token, readQuery);
    expectNoErrors(balances);
    return { sync, balances };
  };

  beforeAll(async () => {
    t = await startTestSystem({
      SANDBOX_TRANSACTIONS_PER_ACCOUNT: '20',
      BANK_DATA_FRESHNESS_SECONDS: '0',
      BANK_UNATTENDED_READS_PER_DAY: '1000',
      BACKGROUND_SYNC_PER_DAY: '0',
    });
    const consent = await t.authorisedConsent({
      permissions: [
        'ReadAccountsBasic',
        'ReadBalances',
        'ReadTransactionsBasic',
        'ReadTransactionsCredits',
        'ReadTransactionsDebits',
      ],
      accounts: (a) => a.bankId === 'sandbox-obie',
    });
    token = consent.token;
    ids = [...consent.accountIds].sort();
  });
  afterAll(async () => {
    t.sandboxBank('sandbox-obie').resetFaults();
    t.sandboxBank('sandbox-obie').unsettle();
    await t.stop();
  });

  it('the bank books its pending entries under new ids: transactionsSync reports them modified, matched', async () => {
    const first = await read();
    expect(warningsOf(first.sync)).toEqual([]);
    const all = first.sync.data!.transactionsSync.added;
    const pending = all.filter((x) => x.status === 'Pending');
    expect(pending.length).toBeGreaterThanOrEqual(2);

    t.sandboxBank('sandbox-obie').settlePending({ tipPercent: 10 });
    const after = await t.execute<Sync>(token, syncQuery, {
      cursor: first.sync.data!.transactionsSync.nextCursor,
    });
    expectNoErrors(after);
    const { added, modified, removed } = after.data!.transactionsSync;
    expect([added, removed]).toEqual([[], []]);
    expect(modified.map((x) => x.id).sort()).toEqual(pending.map((x) => x.id).sort());
    for (const x of modified) {
      expect(x.status).toBe('Booked');
      expect(x.matchedFrom!.confidence).toBeGreaterThan(0);
      expect(x.pendingCandidates).toEqual([]);
    }
    expect(modified.some((x) => x.matchedFrom!.pendingAmount !== x.amount)).toBe(true);
    // The balance read after the settlement reconciles: no warning.
    const balances = await t.execute(token, readQuery);
    expect(warningsOf(balances)).toEqual([]);
  });

  it('a bank dropping a booked entry: reads carry DATA_QUARANTINED naming the accounts until released or clean again', async () => {
    t.sandboxBank('sandbox-obie').setFaults({ dropBooked: 1 });
    await read();
    const warned = await t.execute(token, readQuery);
    expectNoErrors(warned);
    expect(warningsOf(warned)).toEqual([expect.objectContaining({ accountIds: ids })]);

    // The operator's command releases one account.
    const [released, other] = ids as [string, string];
    expect(await accountsCommand(t.config, ['release', released, '--by', 'ops'])).toBe(0);
    const after = await t.execute(token, readQuery);
    expect(warningsOf(after)).toEqual([expect.objectContaining({ accountIds: [other] })]);

    // The bank reports everything again: a clean sync lifts the other one.
    t.sandboxBank('sandbox-obie').resetFaults();
    await read();
    const clean = await t.execute(token, readQuery);
    expectNoErrors(clean);
    expect(warningsOf(clean)).toEqual([]);
  });
});
