import {
  billers,
  employers,
  friends,
  landlords,
  merchants,
  subscription,
  type MerchantProfile,
} from './catalogue.js';
import { bankCode, germanIban, ukAccountNumber } from './identifiers.js';
import type { CardUse, Counterparty, SandboxAccount, TransactionKind } from './model.js';
import { digits, intBetween, pick, pickWeighted, type Random } from './prng.js';

// Drafts: what happened on an account, before ledger.ts orders, sizes and posts it.

const DAY_MS = 86_400_000;
/** Card payments this recent are still pending (not yet settled). */
export const PENDING_WINDOW_MS = 2 * DAY_MS;

export interface LedgerSpec {
  account: SandboxAccount;
  bankId: string;
  count: number;
  /** History covers [start, end), epoch ms. */
  start: number;
  end: number;
}

export interface Draft {
  kind: TransactionKind;
  time: number;
  /** Undefined for salary and interest: sized after the rest of the history is known. */
  amountMinor?: number;
  information: string;
  merchant?: MerchantProfile;
  counterparty?: Counterparty;
  card?: CardUse;
  forcePending?: boolean;
}

export interface Parties {
  employer: Counterparty;
  landlord: Counterparty;
  billers: Array<Counterparty & { min: number; max: number; dayOfMonth: number }>;
  friends: Counterparty[];
  ownSavings: Counterparty;
  card: CardUse;
}

export function makeParties(spec: LedgerSpec, random: Random): Parties {
  const { region } = spec.account;
  const party = (name: string): Counterparty => counterparty(random, region, name);
  const last4 = digits(random, 4);
  const scheme = random() < 0.6 ? 'VISA' : 'MasterCard';
  return {
    employer: party(pick(random, employers[region])),
    landlord: party(pick(random, landlords[region])),
    billers: billers(region).map((b) => ({ ...party(b.name), ...b })),
    friends: friends[region].map(party),
    ownSavings: party(spec.account.ownerName),
    card: {
      scheme,
      authorisation: 'Contactless',
      maskedPan: `${scheme === 'VISA' ? '4' : '5'}${digits(random, 5)}******${last4}`,
      holderName: spec.account.ownerName,
    },
  };
}

function counterparty(random: Random, region: 'GB' | 'DE', name: string): Counterparty {
  if (region === 'GB') {
    const bank = pick(random, ['BARC', 'LOYD', 'HBUK', 'NWBK', 'MIDL']);
    const uk = ukAccountNumber(random, bank);
    return { name, ...uk, bic: `${bank}GB2L` };
  }
  const [blz, bic] = pick(random, germanBanks);
  return { name, iban: germanIban(random, blz), bic };
}

const germanBanks: ReadonlyArray<readonly [string, string]> = [
  ['10010010', 'PBNKDEFF'],
  ['37040044', 'COBADEFF'],
  ['50010517', 'INGDDEFF'],
  ['70020270', 'HYVEDEMM'],
];

function monthlyTimes(spec: LedgerSpec, dayOfMonth: number, hour: number): number[] {
  const times: number[] = [];
  const first = new Date(spec.start);
  for (let y = first.getUTCFullYear(), m = first.getUTCMonth(); ; m++) {
    const time = Date.UTC(y, m, dayOfMonth, hour, 0, 0);
    if (time >= spec.end) break;
    if (time >= spec.start) times.push(time);
  }
  return times.reverse(); // most recent first, so a small budget keeps the latest months
}

export function recurringDrafts(spec: LedgerSpec, parties: Parties, random: Random): Draft[] {
  const { region, product } = spec.account;
  const gb = region === 'GB';
  const streams: Draft[][] = [];
  if (product === 'current') {
    const rent = toMinor(intBetween(random, gb ? 650 : 550, gb ? 1400 : 1200));
    const savings = toMinor(intBetween(random, 2, 8) * 50);
    const sub = subscription[region];
    streams.push(
      monthlyTimes(spec, 25, 6).map((time) => ({
        kind: 'salary',
        time,
        information: `${gb ? 'SALARY' : 'LOHN/GEHALT'} ${parties.employer.name.toUpperCase()}`,
        counterparty: parties.employer,
      })),
      monthlyTimes(spec, 1, 8).map((time) => ({
        kind: 'standing-order',
        time,
        amountMinor: -rent,
        information: `${gb ? 'STANDING ORDER' : 'DAUERAUFTRAG'} ${parties.landlord.name} ${gb ? 'RENT' : 'MIETE'}`,
        counterparty: parties.landlord,
      })),
      ...parties.billers.map((biller) =>
        monthlyTimes(spec, biller.dayOfMonth, 7).map((time): Draft => ({
          kind: 'direct-debit',
          time,
          amountMinor: -amountBetween(random, biller.min, biller.max),
          information: `${gb ? 'DIRECT DEBIT' : 'LASTSCHRIFT'} ${biller.name.toUpperCase()}`,
          counterparty: biller,
        })),
      ),
      monthlyTimes(spec, 9, 3).map((time) => ({
        kind: 'card',
        time,
        amountMinor: -toMinor(sub.min),
        information: sub.name.toUpperCase(),
        merchant: sub,
        card: { ...parties.card, authorisation: 'None' },
      })),
      monthlyTimes(spec, 26, 9).map((time) => ({
        kind: 'standing-order',
        time,
        amountMinor: -savings,
        information: gb ? 'TRANSFER TO SAVINGS' : 'UEBERTRAG SPARKONTO',
        counterparty: parties.ownSavings,
      })),
    );
  } else {
    const deposit = toMinor(intBetween(random, 2, 8) * 50);
    streams.push(
      monthlyTimes(spec, 28, 23).map((time) => ({
        kind: 'interest',
        time,
        information: gb ? 'INTEREST PAID' : 'HABENZINSEN',
      })),
      monthlyTimes(spec, 26, 9).map((time) => ({
        kind: 'transfer-in',
        time,
        amountMinor: deposit,
        information: gb ? 'TRANSFER FROM CURRENT ACCOUNT' : 'UEBERTRAG GIROKONTO',
        counterparty: parties.ownSavings,
      })),
    );
  }
  const budget = Math.floor(spec.count * 0.15);
  return streams.flat().slice(0, budget);
}

export function randomDrafts(
  spec: LedgerSpec,
  parties: Parties,
  random: Random,
  count: number,
): Draft[] {
  const drafts: Draft[] = [];
  const current = spec.account.product === 'current';
  // A few card holds in the last days, so every current account has pending entries.
  const forcedPending = current ? Math.min(3, count) : 0;
  for (let i = 0; i < count; i++) {
    const recent = i < forcedPending;
    const time = recent
      ? spec.end - 1 - Math.floor(random() * PENDING_WINDOW_MS)
      : spec.start + Math.floor(random() * (spec.end - spec.start));
    const draft = current
      ? currentAccountDraft(spec, parties, random, time, recent)
      : savingsDraft(spec, parties, random, time);
    drafts.push(recent ? { ...draft, forcePending: true } : draft);
  }
  return drafts;
}

function currentAccountDraft(
  spec: LedgerSpec,
  parties: Parties,
  random: Random,
  time: number,
  cardOnly: boolean,
): Draft {
  const gb = spec.account.region === 'GB';
  const kind: TransactionKind = cardOnly
    ? 'card'
    : pickWeighted<TransactionKind>(random, [
        ['card', 80],
        ['transfer-out', 6],
        ['transfer-in', 5],
        ['cash-withdrawal', 5],
        ['refund', 2],
      ]);
  if (kind === 'card' || kind === 'refund') {
    const merchant = pickWeighted(
      random,
      merchants(spec.account.region).map((m) => [m, m.weight] as const),
    );
    const amount = amountBetween(random, merchant.min, merchant.max);
    const authorisation = merchant.online
      ? 'ConsumerDevice'
      : random() < 0.8
        ? 'Contactless'
        : 'PIN';
    return {
      kind,
      time,
      amountMinor: kind === 'card' ? -amount : amount,
      information: `${kind === 'refund' ? 'REFUND ' : ''}${merchant.name.toUpperCase()} ${digits(random, 4)}`,
      merchant,
      card: { ...parties.card, authorisation },
    };
  }
  if (kind === 'cash-withdrawal') {
    return {
      kind,
      time,
      amountMinor: -toMinor(intBetween(random, 1, 10) * 10),
      information: gb ? `CASH ${bankCode(spec.bankId)} ATM` : 'BARGELDAUSZAHLUNG GAA',
      card: { ...parties.card, authorisation: 'PIN' },
    };
  }
  const friend = pick(random, parties.friends);
  const memo = pick(random, gb ? gbMemos : deMemos);
  const amount = amountBetween(random, 5, 250);
  return {
    kind,
    time,
    amountMinor: kind === 'transfer-in' ? amount : -amount,
    information: `${friend.name} ${memo}`,
    counterparty: friend,
  };
}

const gbMemos = ['dinner', 'tickets', 'birthday gift', 'holiday share', 'bills', 'thanks'];
const deMemos = ['Abendessen', 'Tickets', 'Geschenk', 'Urlaub', 'Nebenkosten', 'Danke'];

function savingsDraft(spec: LedgerSpec, parties: Parties, random: Random, time: number): Draft {
  const gb = spec.account.region === 'GB';
  const roll = random();
  if (roll < 0.7) {
    return {
      kind: 'transfer-in',
      time,
      amountMinor: intBetween(random, 1, 99),
      information: gb ? 'ROUND UP' : 'AUFRUNDUNG',
      counterparty: parties.ownSavings,
    };
  }
  const amount = toMinor(intBetween(random, 1, 20) * 10);
  const out = roll >= 0.88;
  return {
    kind: out ? 'transfer-out' : 'transfer-in',
    time,
    amountMinor: out ? -amount : amount,
    information: out
      ? gb
        ? 'TRANSFER TO CURRENT ACCOUNT'
        : 'UEBERTRAG GIROKONTO'
      : gb
        ? 'TOP UP'
        : 'EINZAHLUNG',
    counterparty: parties.ownSavings,
  };
}

export function toMinor(major: number): number {
  return Math.round(major * 100);
}

/** Skewed towards the low end: most card payments are small. */
function amountBetween(random: Random, min: number, max: number): number {
  const r = random();
  return toMinor(min + (max - min) * r * r);
}
