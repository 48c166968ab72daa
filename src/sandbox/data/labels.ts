import type { Ledger, LedgerEntry, SandboxAccount } from './model.js';
import type { Label } from './labelled.js';

/**
 * Ground truth for a sandbox bank's generated history (bank.ts, ledger.ts), kept beside it:
 * never on a LedgerEntry, so never on the wire. Recurring drafts are posted on the hour
 * (salary 06:00 on the 25th, rent 08:00 on the 1st, bills 07:00, the subscription 03:00 on the
 * 9th, savings 09:00 on the 26th, interest 23:00 on the 28th); random ones fall at a random
 * millisecond, so the hour tells them apart.
 */
export function ledgerLabels(account: SandboxAccount, ledger: Ledger): Map<string, Label> {
  const labels = new Map<string, Label>();
  for (const e of ledger.entries) labels.set(e.transactionId, labelOf(account, e));
  return labels;
}

const merchantCategories: Readonly<Record<string, string>> = {
  'Tesco Stores': 'FOOD_AND_DRINK_GROCERIES',
  "Sainsbury's": 'FOOD_AND_DRINK_GROCERIES',
  'REWE Markt': 'FOOD_AND_DRINK_GROCERIES',
  EDEKA: 'FOOD_AND_DRINK_GROCERIES',
  'Pret A Manger': 'FOOD_AND_DRINK_FAST_FOOD',
  Backwerk: 'FOOD_AND_DRINK_FAST_FOOD',
  'Costa Coffee': 'FOOD_AND_DRINK_COFFEE',
  Wagamama: 'FOOD_AND_DRINK_RESTAURANT',
  Vapiano: 'FOOD_AND_DRINK_RESTAURANT',
  Deliveroo: 'FOOD_AND_DRINK_FOOD_DELIVERY',
  Lieferando: 'FOOD_AND_DRINK_FOOD_DELIVERY',
  'Transport for London': 'TRANSPORTATION_PUBLIC_TRANSIT',
  'BVG Berlin': 'TRANSPORTATION_PUBLIC_TRANSIT',
  'Deutsche Bahn': 'TRANSPORTATION_RAIL',
  Uber: 'TRANSPORTATION_TAXI_AND_RIDE_SHARE',
  Shell: 'TRANSPORTATION_FUEL',
  'Aral Tankstelle': 'TRANSPORTATION_FUEL',
  Boots: 'GENERAL_MERCHANDISE_PHARMACY',
  'dm-drogerie markt': 'GENERAL_MERCHANDISE_PHARMACY',
  'Amazon UK': 'GENERAL_MERCHANDISE_ONLINE_MARKETPLACE',
  'Amazon EU': 'GENERAL_MERCHANDISE_ONLINE_MARKETPLACE',
  'John Lewis': 'GENERAL_MERCHANDISE_DEPARTMENT_STORE',
  Currys: 'GENERAL_MERCHANDISE_ELECTRONICS',
  MediaMarkt: 'GENERAL_MERCHANDISE_ELECTRONICS',
  Zalando: 'GENERAL_MERCHANDISE_CLOTHING',
  'Odeon Cinemas': 'ENTERTAINMENT_CINEMA_AND_EVENTS',
  Netflix: 'ENTERTAINMENT_STREAMING',
  Spotify: 'ENTERTAINMENT_STREAMING',
};

const billerCategories: Readonly<Record<string, string>> = {
  'British Gas': 'RENT_AND_UTILITIES_GAS_AND_ELECTRICITY',
  'Thames Water': 'RENT_AND_UTILITIES_WATER',
  'Vodafone UK': 'RENT_AND_UTILITIES_TELECOMS',
  'Vattenfall Europe': 'RENT_AND_UTILITIES_GAS_AND_ELECTRICITY',
  'Telekom Deutschland': 'RENT_AND_UTILITIES_TELECOMS',
  'Techniker Krankenkasse': 'MEDICAL_HEALTH_INSURANCE',
};

function labelOf(account: SandboxAccount, e: LedgerEntry): Label {
  const scheduled = e.bookingTime % 3_600_000 === 0;
  const stream = (name: string) => (scheduled ? `${account.accountId}:${name}` : null);
  const merchant = e.merchant?.name ?? null;
  switch (e.kind) {
    case 'salary':
      return { category: 'INCOME_WAGES', merchant: null, streamId: stream('salary') };
    case 'interest':
      return { category: 'INCOME_INTEREST', merchant: null, streamId: stream('interest') };
    case 'cash-withdrawal':
      return { category: 'CASH_ATM_WITHDRAWAL', merchant: null, streamId: null };
    case 'direct-debit': {
      const name = e.counterparty?.name ?? '';
      return {
        category: billerCategories[name] ?? 'RENT_AND_UTILITIES_OTHER',
        merchant: name || null,
        streamId: stream(name),
      };
    }
    case 'standing-order':
      return e.counterparty?.name === account.ownerName
        ? { category: 'TRANSFER_OUT_SAVINGS', merchant: null, streamId: stream('savings') }
        : { category: 'RENT_AND_UTILITIES_RENT', merchant: null, streamId: stream('rent') };
    case 'card':
    case 'refund':
      return {
        category: (merchant && merchantCategories[merchant]) || 'OTHER_OTHER',
        merchant,
        streamId: e.kind === 'card' && scheduled ? stream('subscription') : null,
      };
    case 'transfer-in':
      return {
        category: 'TRANSFER_IN_ACCOUNT_TRANSFER',
        merchant: null,
        streamId: account.product === 'savings' ? stream('deposit') : null,
      };
    case 'transfer-out':
      return { category: 'TRANSFER_OUT_ACCOUNT_TRANSFER', merchant: null, streamId: null };
  }
}
