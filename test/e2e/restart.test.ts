/**
 * `npm start`, stop, `npm start` over the same DATA_DIR: Ledgergraph keeps its bank
 * connections and the sandbox banks keep the consents, tokens and payments behind them,
 * so nothing a client did before the restart stops working after it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Q, data, gbpOrder, pay, payerToken } from '../payments/support.ts';
import { expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';

/** README, "A first query", step 3. */
const FIRST_QUERY = `query($id: ID!) { consent(id: $id) { status accounts {
  nickname currency identification { scheme identification } balances { type amount currency }
} } }`;

interface FirstQuery {
  consent: {
    status: string;
    accounts: {
      nickname: string;
      identification: { scheme: string; identification: string }[];
      balances: { type: string; amount: string; currency: string }[];
    }[];
  };
}

describe('a restart over the same DATA_DIR loses nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledgergraph-restart-'));
  // Freshness 0: every read after a restart really goes to the banks.
  const env = {
    DATA_DIR: dir,
    SANDBOX_TRANSACTIONS_PER_ACCOUNT: '5',
    BANK_DATA_FRESHNESS_SECONDS: '0',
    PAYMENTS_STATUS_FRESHNESS_SECONDS: '0',
  };
  let t: TestSystem | undefined;

  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const bankCalls = (system: TestSystem) =>
    system.system.sandbox!.handles.reduce((sum, bank) => sum + bank.callCount(), 0);

  async function firstQuery(system: TestSystem, token: string, consentId: string) {
    const res = await system.execute<FirstQuery>(token, FIRST_QUERY, { id: consentId });
    expectNoErrors(res);
    return res.data!.consent;
  }

  it('the README first query and payments work after a stop and start, twice', async () => {
    t = await startTestSystem(env);
    const reader = await t.authorisedConsent({
      permissions: ['ReadAccountsDetail', 'ReadBalances'],
    });
    const before = await firstQuery(t, reader.token, reader.consentId);
    expect(before.status).toBe('Authorised');
    expect(before.accounts.length).toBeGreaterThan(0);
    for (const account of before.accounts) expect(account.balances.length).toBeGreaterThan(0);
    const payer = await payerToken(t);
    const paid = await pay(t, payer.token, gbpOrder());
    expect(paid.status).toBe('Pending');

    const settlement = ['AcceptedSettlementInProcess', 'AcceptedSettlementCompleted'];
    for (const round of [1, 2]) {
      await t.stop();
      t = await startTestSystem(env);

      const calls = bankCalls(t);
      const after = await firstQuery(t, reader.token, reader.consentId);
      expect(after, `round ${round}`).toEqual(before);
      expect(bankCalls(t), `round ${round}: the banks were asked`).toBeGreaterThan(calls);

      // The payment made before the first restart is read from its bank: the bank knows it
      // and moves it one step per read, from where it was before the restart.
      const read = data(
        await t.execute<Record<string, { status: string }>>(payer.token, Q.payment, {
          id: paid.id,
        }),
        'payment',
      );
      expect(read.status).toBe(settlement[round - 1]);
      const again = await pay(t, payer.token, gbpOrder({ reference: `After restart ${round}` }));
      expect(again.status).toBe('Pending');
    }
  }, 180_000);
});
