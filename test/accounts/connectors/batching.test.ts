import DataLoader from 'dataloader';
import { afterEach, describe, expect, it } from 'vitest';
import { groupByAccount } from '../../../src/subgraphs/accounts/connectors/batching.js';
import type { BankSession } from '../../../src/subgraphs/accounts/connectors/connector.js';
import { ObieConnector } from '../../../src/subgraphs/accounts/connectors/obie/connector.js';
import type { FakeBank } from './support/fake-bank.js';
import { fakeObieBank } from './support/obie-fixtures.js';

let bank: FakeBank | undefined;
afterEach(async () => {
  await bank?.close();
  bank = undefined;
});

describe('batching many accounts into one bank call', () => {
  it('regroups a flat list per requested id, in order, empty where the bank had nothing', () => {
    const items = [
      { bankAccountId: 'b', n: 1 },
      { bankAccountId: 'a', n: 2 },
      { bankAccountId: 'x', n: 3 },
      { bankAccountId: 'b', n: 4 },
    ];
    expect(groupByAccount(['a', 'b', 'c'], items)).toEqual([
      [{ bankAccountId: 'a', n: 2 }],
      [
        { bankAccountId: 'b', n: 1 },
        { bankAccountId: 'b', n: 4 },
      ],
      [],
    ]);
  });

  it('lets a DataLoader turn N balance lookups into one bank call', async () => {
    bank = await fakeObieBank({ version: '3.1.11' });
    const connector = new ObieConnector({
      bankId: 'obie-bank',
      version: '3.1.11',
      baseUrl: bank.url,
      clientId: 'ledgergraph',
    });
    const session: BankSession = { standard: 'obie', bankConsentId: 'c', accessToken: 't' };
    const loader = new DataLoader<string, unknown[]>(async (ids) =>
      groupByAccount(ids, await connector.getBalances(session, ids)),
    );
    const [one, two] = await Promise.all([loader.load('acc-1'), loader.load('acc-2')]);
    expect(one).toHaveLength(2);
    expect(two).toHaveLength(2);
    expect(bank.count('/open-banking/v3.1/aisp/balances')).toBe(1);
  });
});
