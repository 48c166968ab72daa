/** Spec-shaped OBIE v3.1.11 / v4.0 bodies for the fake banks in the connector tests. */
import type { ObieVersion } from '../../../../src/subgraphs/accounts/connectors/obie/schemas.js';
import { FakeBank } from './fake-bank.js';
import type { RecordedRequest, Reply } from './fake-bank.js';

export const basePath: Record<ObieVersion, string> = {
  '3.1.11': '/open-banking/v3.1/aisp',
  '4.0': '/open-banking/v4.0/aisp',
};

const words = {
  '3.1.11': {
    awaiting: 'AwaitingAuthorisation',
    booked: 'Booked',
    pending: 'Pending',
    rejected: 'Rejected',
    interimBooked: 'InterimBooked',
    interimAvailable: 'InterimAvailable',
  },
  '4.0': {
    awaiting: 'AWAU',
    booked: 'BOOK',
    pending: 'PDNG',
    rejected: 'RJCT',
    interimBooked: 'ITBD',
    interimAvailable: 'ITAV',
  },
} as const;

export function account(version: ObieVersion, id: string): Record<string, unknown> {
  const kind =
    version === '3.1.11'
      ? { AccountType: 'Personal', AccountSubType: 'CurrentAccount' }
      : { AccountCategory: 'Personal', AccountTypeCode: 'CACC' };
  return {
    AccountId: id,
    Status: 'Enabled',
    Currency: 'GBP',
    ...kind,
    Nickname: `Account ${id}`,
    Account: [
      {
        SchemeName: 'UK.OBIE.SortCodeAccountNumber',
        Identification: '80200110203345',
        Name: 'Alice Smith',
      },
    ],
  };
}

export function balances(version: ObieVersion): Record<string, unknown>[] {
  const w = words[version];
  return ['acc-1', 'acc-2', 'acc-3'].flatMap((id) => [
    {
      AccountId: id,
      CreditDebitIndicator: 'Credit',
      Type: w.interimBooked,
      DateTime: '2025-03-10T09:00:00+00:00',
      Amount: { Amount: '1230.50', Currency: 'GBP' },
    },
    {
      AccountId: id,
      CreditDebitIndicator: 'Debit',
      Type: w.interimAvailable,
      DateTime: '2025-03-10T09:00:00+00:00',
      Amount: { Amount: '12.00', Currency: 'GBP' },
    },
  ]);
}

type Status = 'booked' | 'pending' | 'rejected';

export function transaction(
  version: ObieVersion,
  accountId: string,
  id: string | undefined,
  status: Status,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    AccountId: accountId,
    ...(id === undefined ? {} : { TransactionId: id }),
    CreditDebitIndicator: 'Debit',
    Status: words[version][status],
    BookingDateTime: '2025-03-01T10:15:00+00:00',
    ValueDateTime: '2025-03-01T10:15:00+00:00',
    TransactionInformation: `Payment ${id ?? 'unnamed'}`,
    Amount: { Amount: '42.10', Currency: 'GBP' },
    MerchantDetails: { MerchantName: 'Corner Shop', MerchantCategoryCode: '5411' },
    CreditorAccount: {
      SchemeName: 'UK.OBIE.SortCodeAccountNumber',
      Identification: '11223344556677',
      Name: 'Corner Shop Ltd',
    },
    ...extra,
  };
}

/** Three pages: booked and pending on acc-1/acc-2, an unwanted account, a rejected entry. */
export function transactionPages(version: ObieVersion): Record<string, unknown>[][] {
  return [
    [
      transaction(version, 'acc-1', 'tx-1', 'booked'),
      transaction(version, 'acc-2', 'tx-2', 'pending'),
    ],
    [
      transaction(version, 'acc-3', 'tx-3', 'booked'),
      transaction(version, 'acc-1', 'tx-4', 'rejected'),
    ],
    [transaction(version, 'acc-1', undefined, 'booked')],
  ];
}

export interface FakeObieOptions {
  version: ObieVersion;
  /** Replace page n (1-based) of /transactions. */
  transactionPage?: (page: number, request: RecordedRequest, bank: FakeBank) => Reply | undefined;
  totalPages?: number;
}

/** A fake OBIE bank: token endpoint, consents, /accounts, /balances, paged /transactions. */
export async function fakeObieBank(options: FakeObieOptions): Promise<FakeBank> {
  const { version } = options;
  const base = basePath[version];
  const pages = transactionPages(version);
  return FakeBank.start((req, bank) => {
    const url = new URL(req.url, bank.url);
    if (req.method === 'POST' && url.pathname === '/oauth/token') {
      const form = new URLSearchParams(req.body);
      if (form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === 'dead') {
        return { status: 400, json: { error: 'invalid_grant' } };
      }
      return {
        json: {
          access_token: `at-${form.get('grant_type')}`,
          token_type: 'Bearer',
          expires_in: 300,
          ...(form.get('grant_type') === 'client_credentials' ? {} : { refresh_token: 'rt-1' }),
        },
      };
    }
    if (req.method === 'POST' && url.pathname === `${base}/account-access-consents`) {
      return {
        status: 201,
        json: {
          Data: {
            ConsentId: 'aac-1',
            Status: words[version].awaiting,
            CreationDateTime: '2025-03-10T12:00:00+00:00',
            StatusUpdateDateTime: '2025-03-10T12:00:00+00:00',
            Permissions: ['ReadAccountsDetail'],
          },
          Risk: {},
          Links: { Self: `${bank.url}${base}/account-access-consents/aac-1` },
          Meta: {},
        },
      };
    }
    const links = { Self: `${bank.url}${req.url}` };
    if (url.pathname === `${base}/accounts`) {
      return {
        json: {
          Data: { Account: [account(version, 'acc-1'), account(version, 'acc-2')] },
          Links: links,
          Meta: { TotalPages: 1 },
        },
      };
    }
    if (url.pathname === `${base}/balances`) {
      return {
        json: { Data: { Balance: balances(version) }, Links: links, Meta: { TotalPages: 1 } },
      };
    }
    if (url.pathname === `${base}/transactions`) {
      const page = Number(url.searchParams.get('page') ?? '1');
      const replaced = options.transactionPage?.(page, req, bank);
      if (replaced) return replaced;
      const next = new URL(url);
      next.searchParams.set('page', String(page + 1));
      return {
        json: {
          Data: { Transaction: pages[page - 1] },
          Links: { ...links, ...(page < pages.length ? { Next: next.href } : {}) },
          Meta: { TotalPages: options.totalPages ?? pages.length },
        },
      };
    }
    return { status: 404, json: { Code: '404', Errors: [{ ErrorCode: 'UK.OBIE.NotFound' }] } };
  });
}
