import { createHash } from 'node:crypto';
import type { AccountsDb } from './client.ts';

/** Opaque, stable ids: a hash, so no bank identifier leaks into the API. */
const opaque = (prefix: string, ...parts: string[]) =>
  `${prefix}_${createHash('sha256').update(parts.join('|')).digest('base64url').slice(0, 22)}`;

const demo = [
  {
    psuId: 'psu_alice',
    nickname: 'Alice current',
    sortCode: '200000',
    number: '55779911',
    amount: '1523.40',
  },
  {
    psuId: 'psu_alice',
    nickname: 'Alice savings',
    sortCode: '200000',
    number: '55779922',
    amount: '8200.00',
  },
  {
    psuId: 'psu_bob',
    nickname: 'Bob current',
    sortCode: '400400',
    number: '11223344',
    amount: '312.09',
  },
  {
    psuId: 'psu_carol',
    nickname: 'Carol current',
    sortCode: '601613',
    number: '99887766',
    amount: '45.00',
  },
];

/**
 * Demo connections and accounts for the embedded default (idempotent). The accounts issue
 * replaces this with data pulled from the sandbox banks through the connectors.
 */
export async function seedAccountsDb(db: AccountsDb): Promise<void> {
  for (const a of demo) {
    const connectionId = opaque('con', a.psuId, 'sandbox-obie');
    const id = opaque('acc', 'sandbox-obie', a.sortCode + a.number);
    if (await db.account.findUnique({ where: { id } })) continue;
    await db.connection.upsert({
      where: { id: connectionId },
      create: { id: connectionId, psuId: a.psuId, bankId: 'sandbox-obie', status: 'Active' },
      update: {},
    });
    await db.account.create({
      data: {
        id,
        connectionId,
        psuId: a.psuId,
        bankId: 'sandbox-obie',
        accountType: 'Personal',
        accountSubType: a.nickname.endsWith('savings') ? 'Savings' : 'CurrentAccount',
        currency: 'GBP',
        nickname: a.nickname,
        identificationScheme: 'UK.OBIE.SortCodeAccountNumber',
        identification: a.sortCode + a.number,
        holderName: a.nickname.split(' ')[0] ?? null,
        balances: {
          create: [
            {
              type: 'InterimAvailable',
              amount: a.amount,
              currency: 'GBP',
              creditDebit: 'Credit',
              dateTime: new Date(),
            },
            {
              type: 'InterimBooked',
              amount: a.amount,
              currency: 'GBP',
              creditDebit: 'Credit',
              dateTime: new Date(),
            },
          ],
        },
      },
    });
  }
}
