import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxBank } from '../../src/sandbox/index.ts';
import { expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * PSD2 RTS art. 36: without the PSU present, an account may be read from the bank only a
 * few times a day. The client app says the PSU is present with x-fapi-customer-ip-address;
 * the gateway forwards it in the signed context and the accounts subgraph lifts the limit.
 */
describe('PSU presence (x-fapi-customer-ip-address)', () => {
  let t: TestSystem;
  let token: string;
  let bank: SandboxBank;
  const balancesPath = '/open-banking/v3.1/aisp/balances';
  const query = '{ accounts { id balances { amount } } }';

  beforeAll(async () => {
    t = await startTestSystem({
      SANDBOX_TRANSACTIONS_PER_ACCOUNT: '10',
      BANK_DATA_FRESHNESS_SECONDS: '0',
      BANK_UNATTENDED_READS_PER_DAY: '1',
    });
    bank = t.system.sandbox!.handles.find((h) => h.id === 'sandbox-obie')!;
    // Only the OBIE bank's accounts: the Berlin Group bank keeps its own daily count, which
    // the account list read at connection time already touches.
    const consent = await t.authorisedConsent({
      permissions: ['ReadAccountsBasic', 'ReadBalances'],
      accounts: (a) => a.bankId === 'sandbox-obie',
    });
    token = consent.token;
  });
  afterAll(() => t.stop());

  const read = async (headers: Record<string, string> = {}) => {
    const before = bank.callCount({ pathPrefix: balancesPath });
    const res = await t.execute(token, query, {}, headers);
    expectNoErrors(res);
    return bank.callCount({ pathPrefix: balancesPath }) - before;
  };

  it('reads the bank once unattended, then serves stored data instead of reading again', async () => {
    expect(await read()).toBe(1);
    expect(await read()).toBe(0);
  });

  it('reads the bank again when the client app says the PSU is present', async () => {
    expect(await read({ 'x-fapi-customer-ip-address': '203.0.113.7' })).toBe(1);
    expect(await read({ 'x-fapi-customer-ip-address': '2001:db8::1' })).toBe(1);
  });

  it('ignores a malformed customer IP: still unattended, still limited', async () => {
    expect(await read({ 'x-fapi-customer-ip-address': 'not-an-ip' })).toBe(0);
  });
});
