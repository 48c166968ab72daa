/**
 * Bodies at the edges of the standards, for the edge tests. Each `withinSpec` body is one the
 * official OpenAPI file admits (the tests check it with ajv); `offSpec` entries break it.
 */
import type { ObieVersion } from '../../../../src/subgraphs/accounts/connectors/obie/schemas.js';
import { FakeBank } from './fake-bank.js';
import { account, balances, basePath, transaction } from './obie-fixtures.js';

/** Every RFC 3339 form `format: date-time` admits, and the UTC instant it names. */
export const dateTimeForms: readonly (readonly [string, string])[] = [
  ['2025-03-01t10:15:00z', '2025-03-01T10:15:00.000Z'],
  ['2025-03-01T15:45:00+05:30', '2025-03-01T10:15:00.000Z'],
  ['2025-03-01T10:15:00-00:00', '2025-03-01T10:15:00.000Z'],
  ['2025-03-01T05:15:00.5-05:00', '2025-03-01T10:15:00.500Z'],
  ['2025-03-01T10:15:00.123456789012Z', '2025-03-01T10:15:00.123Z'],
  ['2025-03-01T11:15:00.1+01:00', '2025-03-01T10:15:00.100Z'],
  // A leap second: read as the last millisecond before it.
  ['2016-12-31T23:59:60Z', '2016-12-31T23:59:59.999Z'],
];

export interface ObieEdgeBodies {
  accounts: Record<string, unknown>;
  balances: Record<string, unknown>;
  transactions: Record<string, unknown>;
}

const envelope = (data: Record<string, unknown>) => ({
  Data: data,
  Links: { Self: 'https://bank.example/self' },
  Meta: { TotalPages: 1 },
});

export function obieWithinSpec(version: ObieVersion): ObieEdgeBodies {
  const noCurrency = account(version, 'acc-no-currency');
  delete noCurrency['Currency'];
  const emptyScheme = account(version, 'acc-empty-scheme');
  emptyScheme['Account'] = [{ SchemeName: '', Identification: '12345678' }];
  const [first, second] = balances(version);
  return {
    accounts: envelope({ Account: [account(version, 'acc-1'), emptyScheme, noCurrency] }),
    balances: envelope({
      Balance: [
        first,
        { ...second, DateTime: '2025-03-10t09:00:00.000001+01:00' },
        { ...first, AccountId: 'acc-2', Amount: { Amount: '0.12345', Currency: 'GBP' } },
      ],
    }),
    transactions: envelope({
      Transaction: [
        transaction(version, 'acc-1', 'tx-plain', 'booked'),
        ...dateTimeForms.map(([form], i) =>
          transaction(version, 'acc-1', `tx-form-${i}`, 'booked', {
            BookingDateTime: form,
            ValueDateTime: form,
          }),
        ),
        transaction(version, 'acc-1', 'tx-5dp', 'booked', {
          Amount: { Amount: '9999999999999.12345', Currency: 'GBP' },
        }),
      ],
    }),
  };
}

/** Entries the spec does not admit; one is mapped anyway, the others are skipped. */
export function obieOffSpec(version: ObieVersion) {
  return {
    moreDecimals: transaction(version, 'acc-1', 'tx-7dp', 'booked', {
      Amount: { Amount: '1.1234567', Currency: 'GBP' },
    }),
    impossibleDate: transaction(version, 'acc-1', 'tx-feb-30', 'booked', {
      BookingDateTime: '2025-02-30T10:00:00Z',
    }),
    signedAmount: transaction(version, 'acc-1', 'tx-signed', 'booked', {
      Amount: { Amount: '-5.00', Currency: 'GBP' },
    }),
  };
}

/** Serves the given bodies at /accounts, /balances and /transactions (one page each). */
export function obieEdgeBank(version: ObieVersion, bodies: ObieEdgeBodies): Promise<FakeBank> {
  const base = basePath[version];
  return FakeBank.start((req, bank) => {
    const path = new URL(req.url, bank.url).pathname;
    if (path === `${base}/accounts`) return { json: bodies.accounts };
    if (path === `${base}/balances`) return { json: bodies.balances };
    if (path === `${base}/transactions`) return { json: bodies.transactions };
    return { status: 404 };
  });
}

const eur = (amount: string) => ({ currency: 'EUR', amount });

export function bgAccountsWithinSpec(): Record<string, unknown> {
  return {
    accounts: [
      {
        resourceId: 'bg-1',
        iban: 'DE89370400440532013000',
        currency: 'EUR',
        ownerName: '',
        name: '',
        displayName: '',
        product: 'Girokonto',
        cashAccountType: '',
        balances: [
          { balanceAmount: eur('-20.123456'), balanceType: 'interimAvailable' },
          ...dateTimeForms.map(([form]) => ({
            balanceAmount: eur('500.00'),
            balanceType: 'interimBooked',
            lastChangeDateTime: form,
          })),
        ],
      },
      { iban: 'DE02120300000000202051', currency: 'EUR', name: 'No resourceId' },
      { resourceId: '', currency: 'EUR', name: 'Empty resourceId' },
      { resourceId: 'bg-2', currency: 'EUR', balances: [] },
    ],
  };
}

export function bgTransactionsWithinSpec(): Record<string, unknown> {
  return {
    account: { iban: 'DE89370400440532013000' },
    transactions: {
      booked: [
        {
          transactionId: 'b-plain',
          bookingDate: '2025-03-02',
          transactionAmount: eur('-25.00'),
          creditorName: 'Stadtwerke',
        },
        {
          transactionId: 'b-decimals',
          bookingDate: '2025-03-03',
          transactionAmount: eur('1234.56789'),
        },
        {
          transactionId: '',
          entryReference: '',
          bookingDate: '2025-03-04',
          transactionAmount: eur('-3.10'),
          creditorName: '',
          ultimateCreditor: '',
          remittanceInformationUnstructured: '',
          remittanceInformationUnstructuredArray: ['', 'Brot'],
        },
        { transactionId: 'b-undated', transactionAmount: eur('-7.00') },
      ],
      pending: [
        { transactionAmount: eur('-4.5'), creditorName: 'Card: Bakery' },
        { transactionId: 'p-undated', transactionAmount: eur('-12.00') },
      ],
      _links: { account: { href: '/v1/accounts/bg-1' } },
    },
  };
}

/** A booked entry on a day that does not exist: the spec (format: date) refuses it. */
export const bgImpossibleDate = {
  transactionId: 'b-feb-30',
  bookingDate: '2025-02-30',
  transactionAmount: eur('-1.00'),
};

/** Serves /v1/accounts and the transactions of bg-1 (one page). */
export function bgEdgeBank(
  accounts: Record<string, unknown>,
  transactions: Record<string, unknown>,
): Promise<FakeBank> {
  return FakeBank.start((req, bank) => {
    const path = new URL(req.url, bank.url).pathname;
    if (path === '/v1/accounts') return { json: accounts };
    if (path === '/v1/accounts/bg-1/transactions') return { json: transactions };
    return { status: 404 };
  });
}
