/** Spec-shaped Berlin Group NextGenPSD2 1.3.12 bodies for the fake bank in the tests. */
import { FakeBank } from './fake-bank.js';
import type { RecordedRequest, Reply } from './fake-bank.js';

export function bgAccount(id: string, withBalance: boolean): Record<string, unknown> {
  return {
    resourceId: id,
    iban: 'DE89370400440532013000',
    currency: 'EUR',
    ownerName: 'Bob Müller',
    name: 'Main Account',
    product: 'Girokonto',
    cashAccountType: 'CACC',
    usage: 'PRIV',
    ...(withBalance ? { balances: bgBalances() } : {}),
    _links: { balances: { href: `/v1/accounts/${id}/balances` } },
  };
}

export function bgBalances(): Record<string, unknown>[] {
  return [
    {
      balanceAmount: { currency: 'EUR', amount: '500.00' },
      balanceType: 'closingBooked',
      referenceDate: '2025-03-09',
    },
    {
      balanceAmount: { currency: 'EUR', amount: '-20.5' },
      balanceType: 'interimAvailable',
      lastChangeDateTime: '2025-03-10T08:30:00Z',
    },
    { balanceAmount: { currency: 'EUR', amount: '480.00' }, balanceType: 'expected' },
  ];
}

/** Two pages per account: page 0 booked + pending, page 1 booked only. */
export function bgTransactionPage(accountId: string, page: number): Record<string, unknown> {
  if (page === 0) {
    return {
      booked: [
        {
          transactionId: `${accountId}-b1`,
          bookingDate: '2025-03-02',
          valueDate: '2025-03-03',
          transactionAmount: { currency: 'EUR', amount: '-25.00' },
          creditorName: 'Stadtwerke',
          remittanceInformationUnstructured: 'Strom März',
        },
      ],
      pending: [
        {
          transactionId: `${accountId}-p1`,
          valueDate: '2025-03-10',
          transactionAmount: { currency: 'EUR', amount: '-9.99' },
          creditorName: 'Streaming GmbH',
        },
      ],
    };
  }
  return {
    booked: [
      {
        entryReference: `${accountId}-ref2`,
        bookingDate: '2025-03-05',
        transactionAmount: { currency: 'EUR', amount: '1500.00' },
        debtorName: 'Arbeitgeber AG',
        remittanceInformationUnstructuredArray: ['Gehalt', 'März'],
      },
    ],
  };
}

export interface FakeBgOptions {
  /** Accounts the bank returns without balances even when asked withBalance=true. */
  noInlineBalances?: string[];
  consentStatus?: string;
  transactionPage?: (
    accountId: string,
    page: number,
    request: RecordedRequest,
  ) => Reply | undefined;
}

export async function fakeBerlinGroupBank(options: FakeBgOptions = {}): Promise<FakeBank> {
  return FakeBank.start((req, bank) => {
    const url = new URL(req.url, bank.url);
    const path = url.pathname;
    if (req.method === 'POST' && path === '/v1/consents') {
      return {
        status: 201,
        json: {
          consentStatus: 'received',
          consentId: 'bg-consent-1',
          _links: { scaRedirect: { href: `${bank.url}/sca/bg-consent-1` } },
        },
      };
    }
    if (path === '/v1/consents/bg-consent-1') {
      return {
        json: {
          access: { allPsd2: 'allAccounts' },
          recurringIndicator: true,
          validUntil: '2025-06-01',
          frequencyPerDay: 4,
          lastActionDate: '2025-03-10',
          consentStatus: options.consentStatus ?? 'valid',
        },
      };
    }
    if (path === '/v1/accounts') {
      const withBalance = url.searchParams.get('withBalance') === 'true';
      const ids = ['bg-1', 'bg-2', 'bg-3'];
      return {
        json: {
          accounts: ids.map((id) =>
            bgAccount(id, withBalance && !(options.noInlineBalances ?? []).includes(id)),
          ),
        },
      };
    }
    const balances = /^\/v1\/accounts\/([^/]+)\/balances$/.exec(path);
    if (balances) {
      return { json: { account: { iban: 'DE89370400440532013000' }, balances: bgBalances() } };
    }
    const transactions = /^\/v1\/accounts\/([^/]+)\/transactions$/.exec(path);
    if (transactions) {
      const accountId = decodeURIComponent(transactions[1]!);
      const page = Number(url.searchParams.get('pageIndex') ?? '0');
      const replaced = options.transactionPage?.(accountId, page, req);
      if (replaced) return replaced;
      const next = new URL(url);
      next.searchParams.set('pageIndex', String(page + 1));
      return {
        json: {
          account: { iban: 'DE89370400440532013000' },
          transactions: {
            ...bgTransactionPage(accountId, page),
            _links: {
              account: { href: `/v1/accounts/${accountId}` },
              ...(page === 0 ? { next: { href: `${next.pathname}${next.search}` } } : {}),
            },
          },
        },
      };
    }
    return {
      status: 404,
      json: { tppMessages: [{ category: 'ERROR', code: 'RESOURCE_UNKNOWN' }] },
    };
  });
}
