import { employers, friends, landlords, type Region } from './catalogue.js';
import {
  irregularMerchants,
  monthlyPayees,
  weeklyShop,
  yearlyPayees,
  type LabelledMerchant,
  type ScheduledPayee,
} from './labelled-catalogue.js';
import { formatMinor } from './format.js';
import { hashSeed, intBetween, mulberry32, pick, pickWeighted, type Random } from './prng.js';

/**
 * Labelled statements: realistic histories whose ground truth (category, merchant, stream
 * membership) is known, to measure enrichment and recurring detection. The truth is kept
 * beside the transactions, in `labels` and `streams`, never on them: what a bank would send
 * is all a transaction carries. Deterministic for a seed.
 */
export interface StatementLine {
  id: string;
  accountId: string;
  bookedAt: Date;
  /** Non-negative decimal string. */
  amount: string;
  currency: 'GBP' | 'EUR';
  creditDebit: 'Credit' | 'Debit';
  description: string;
  /** OBIE MerchantDetails; absent for Berlin Group banks, which have no such fields. */
  merchantName?: string;
  merchantCategoryCode?: string;
  counterpartyName?: string;
  /** ISO 20022 Domain-Family-SubFamily. */
  bankTransactionCode: string;
  /** UK banks' own statement code (BGC, DD, SO, FPO, ATM, POS). */
  proprietaryBankTransactionCode?: string;
}

export interface Label {
  category: string;
  merchant: string | null;
  streamId: string | null;
}

export type StreamFrequency = 'WEEKLY' | 'MONTHLY' | 'YEARLY';
export type StreamStatus = 'ACTIVE' | 'LATE' | 'ENDED';

export interface TrueStream {
  id: string;
  accountId: string;
  frequency: StreamFrequency;
  status: StreamStatus;
  transactionIds: string[];
}

export interface LabelledSet {
  /** Start of the day after the last transaction: "now" for statuses. */
  asOf: Date;
  lines: StatementLine[];
  labels: Map<string, Label>;
  streams: TrueStream[];
}

export interface LabelledSpec {
  seed: number;
  accounts: number;
  /** Months of history per account. */
  months: number;
  /** YYYY-MM-DD: history ends at the start of this day (UTC). */
  endDate: string;
  /** Irregular card payments per day, on average. */
  cardsPerDay?: number;
}

const DAY = 86_400_000;

export function generateLabelledSet(spec: LabelledSpec): LabelledSet {
  const set: LabelledSet = {
    asOf: new Date(`${spec.endDate}T00:00:00Z`),
    lines: [],
    labels: new Map(),
    streams: [],
  };
  for (let a = 0; a < spec.accounts; a++) generateAccount(spec, a, set);
  set.lines.sort((x, y) => x.bookedAt.getTime() - y.bookedAt.getTime() || x.id.localeCompare(y.id));
  return set;
}

interface Draft {
  time: number;
  minor: number;
  line: Omit<
    StatementLine,
    'id' | 'accountId' | 'bookedAt' | 'amount' | 'currency' | 'creditDebit'
  >;
  label: Omit<Label, 'streamId'>;
  stream?: string;
}

function generateAccount(spec: LabelledSpec, index: number, set: LabelledSet): void {
  const r = mulberry32(hashSeed('labelled', spec.seed, index));
  const region: Region = r() < 0.5 ? 'GB' : 'DE';
  const gb = region === 'GB';
  const accountId = `lab-${spec.seed}-${index}`;
  const end = set.asOf.getTime();
  const startDate = new Date(end);
  startDate.setUTCMonth(startDate.getUTCMonth() - spec.months);
  const start = startDate.getTime();
  const drafts: Draft[] = [];
  const streamMeta = new Map<string, { frequency: StreamFrequency; status: StreamStatus }>();
  const stream = (name: string, frequency: StreamFrequency, status: StreamStatus = 'ACTIVE') => {
    const id = `${accountId}:${name}`;
    streamMeta.set(id, { frequency, status });
    return id;
  };

  // Salary: last working day on or before the 25th, with one raise.
  const employer = pick(r, employers[region]);
  const salary = intBetween(r, 1800, 4200) * 100;
  const raiseAt = intBetween(r, 4, spec.months - 2);
  const salaryId = stream('salary', 'MONTHLY');
  monthly(start, end, 25, 'before').forEach((time, i) =>
    drafts.push({
      time: time + 6 * 3_600_000,
      minor: i >= raiseAt ? Math.round(salary * 1.04) : salary,
      line: gb
        ? {
            description: `${employer.toUpperCase()} SALARY`,
            counterpartyName: employer,
            bankTransactionCode: 'PMNT-RCDT-SALA',
            proprietaryBankTransactionCode: 'BGC',
          }
        : {
            description: `LOHN/GEHALT ${employer.toUpperCase()}`,
            counterpartyName: employer,
            bankTransactionCode: 'PMNT-RCDT-SALA',
          },
      label: { category: 'INCOME_WAGES', merchant: null },
      stream: salaryId,
    }),
  );

  // Rent on the 1st, moved to the next working day; savings on the 26th.
  const landlord = pick(r, landlords[region]);
  const rent = intBetween(r, gb ? 650 : 550, gb ? 1400 : 1200) * 100;
  const rentId = stream('rent', 'MONTHLY');
  for (const time of monthly(start, end, 1, 'after')) {
    drafts.push({
      time: time + 8 * 3_600_000,
      minor: -rent,
      line: gb
        ? {
            description: `${landlord.toUpperCase()} RENT`,
            counterpartyName: landlord,
            bankTransactionCode: 'PMNT-ICDT-STDO',
            proprietaryBankTransactionCode: 'SO',
          }
        : {
            description: `MIETE ${landlord.toUpperCase()}`,
            counterpartyName: landlord,
            bankTransactionCode: 'PMNT-ICDT-STDO',
          },
      label: { category: 'RENT_AND_UTILITIES_RENT', merchant: null },
      stream: rentId,
    });
  }
  const saving = intBetween(r, 2, 8) * 5000;
  const savingsId = stream('savings', 'MONTHLY');
  for (const time of monthly(start, end, 26, 'after')) {
    drafts.push({
      time: time + 9 * 3_600_000,
      minor: -saving,
      line: gb
        ? {
            description: 'TRANSFER TO SAVINGS',
            counterpartyName: 'Savings account',
            bankTransactionCode: 'PMNT-ICDT-STDO',
            proprietaryBankTransactionCode: 'SO',
          }
        : {
            description: 'UEBERTRAG SPARKONTO',
            counterpartyName: 'Tagesgeldkonto',
            bankTransactionCode: 'PMNT-ICDT-STDO',
          },
      label: { category: 'TRANSFER_OUT_SAVINGS', merchant: null },
      stream: savingsId,
    });
  }

  // Bills and subscriptions: some start late, one may have ended, one may be late.
  const payees = monthlyPayees[region].filter(() => r() < 0.75);
  const ending = payees.length > 2 && r() < 0.5 ? pick(r, payees) : undefined;
  const lateOne =
    r() < 0.4
      ? pick(
          r,
          payees.filter((p) => p !== ending),
        )
      : undefined;
  for (const payee of payees) {
    const day = intBetween(r, 1, 31);
    let times = monthly(start, end, day, 'after');
    if (r() < 0.3) times = times.slice(intBetween(r, 0, Math.max(0, times.length - 6)));
    let status: StreamStatus = 'ACTIVE';
    if (payee === ending && times.length >= 7) {
      times = times.slice(0, times.length - intBetween(r, 3, Math.min(8, times.length - 4)));
      status = 'ENDED';
    } else if (payee === lateOne && end - times.at(-1)! > 12 * DAY) {
      times = times.slice(0, -1);
      status = 'LATE';
    }
    const id = stream(payee.merchant, 'MONTHLY', status);
    const rise = payee.min === payee.max && r() < 0.3 ? intBetween(r, 3, times.length - 2) : -1;
    times.forEach((time, i) =>
      drafts.push(scheduled(payee, time + 7 * 3_600_000, r, gb, id, rise >= 0 && i >= rise)),
    );
  }
  for (const payee of yearlyPayees[region].filter(() => r() < 0.6)) {
    const month = intBetween(r, 0, 11);
    const day = intBetween(r, 1, 28);
    const id = stream(payee.merchant, 'YEARLY');
    for (let y = startDate.getUTCFullYear(); y <= set.asOf.getUTCFullYear(); y++) {
      const time = workingDay(Date.UTC(y, month, day), 'after');
      if (time >= start && time < end)
        drafts.push(scheduled(payee, time + 7 * 3_600_000, r, gb, id, false));
    }
  }

  // The weekly big shop, on Saturdays give or take a day.
  if (r() < 0.7)
    weekly(drafts, weeklyShop[region], start, end, r, gb, stream('weekly-shop', 'WEEKLY'));

  irregular(drafts, region, start, end, r, spec.cardsPerDay ?? 2.2);

  const currency = gb ? 'GBP' : 'EUR';
  drafts.sort((x, y) => x.time - y.time);
  const members = new Map<string, string[]>();
  drafts.forEach((d, i) => {
    const id = `${accountId}-${String(i).padStart(5, '0')}`;
    set.lines.push({
      id,
      accountId,
      bookedAt: new Date(d.time),
      amount: formatMinor(d.minor),
      currency,
      creditDebit: d.minor < 0 ? 'Debit' : 'Credit',
      ...d.line,
    });
    set.labels.set(id, { ...d.label, streamId: d.stream ?? null });
    if (d.stream) members.set(d.stream, [...(members.get(d.stream) ?? []), id]);
  });
  for (const [id, transactionIds] of members) {
    const meta = streamMeta.get(id)!;
    set.streams.push({ id, accountId, ...meta, transactionIds });
  }
}

function scheduled(
  p: ScheduledPayee,
  time: number,
  r: Random,
  gb: boolean,
  stream: string,
  risen: boolean,
): Draft {
  const major = p.min === p.max ? p.min + (risen ? 1 : 0) : p.min + (p.max - p.min) * r();
  const card = p.rail === 'card';
  return {
    time,
    minor: -Math.round(major * 100),
    line: card
      ? {
          description: p.line,
          ...(gb ? { merchantName: p.merchant, merchantCategoryCode: p.mcc } : {}),
          bankTransactionCode: 'PMNT-CCRD-POSD',
          ...(gb ? { proprietaryBankTransactionCode: 'POS' } : {}),
        }
      : {
          description: gb ? `${p.line} DD` : `LASTSCHRIFT ${p.line}`,
          counterpartyName: p.merchant,
          bankTransactionCode: gb ? 'PMNT-IDDT-PMDD' : 'PMNT-IDDT-ESDD',
          ...(gb ? { proprietaryBankTransactionCode: 'DD' } : {}),
        },
    label: { category: p.category, merchant: p.merchant },
    stream,
  };
}

function cardDraft(
  m: LabelledMerchant,
  time: number,
  r: Random,
  gb: boolean,
  refund = false,
): Draft {
  const major = m.min + (m.max - m.min) * r() * r();
  return {
    time,
    minor: (refund ? 1 : -1) * Math.max(1, Math.round(major * 100)),
    line: {
      description: `${refund ? (gb ? 'REFUND ' : 'GUTSCHRIFT ') : ''}${m.line(r)}`,
      ...(gb
        ? {
            merchantName: m.merchant,
            merchantCategoryCode: m.mcc,
            proprietaryBankTransactionCode: refund ? 'REF' : 'POS',
          }
        : {}),
      bankTransactionCode: refund ? 'PMNT-CCRD-RIMB' : 'PMNT-CCRD-POSD',
    },
    // A refund is filed with its merchant's spending, so it nets against it.
    label: { category: m.category, merchant: m.merchant },
  };
}

function weekly(
  drafts: Draft[],
  m: LabelledMerchant,
  start: number,
  end: number,
  r: Random,
  gb: boolean,
  stream: string,
) {
  const first = new Date(start);
  let day = Date.UTC(
    first.getUTCFullYear(),
    first.getUTCMonth(),
    first.getUTCDate() + ((6 - first.getUTCDay() + 7) % 7),
  );
  for (; day < end - DAY; day += 7 * DAY) {
    if (r() < 0.04) continue; // away for a week
    const time = day + intBetween(r, -1, 1) * DAY + intBetween(r, 9, 18) * 3_600_000;
    if (time >= start && time < end) drafts.push({ ...cardDraft(m, time, r, gb), stream });
  }
}

function irregular(
  drafts: Draft[],
  region: Region,
  start: number,
  end: number,
  r: Random,
  perDay: number,
) {
  const gb = region === 'GB';
  const choices = irregularMerchants[region].map((m) => [m, m.weight] as const);
  const count = Math.round(((end - start) / DAY) * perDay);
  for (let i = 0; i < count; i++) {
    const time = start + Math.floor(r() * (end - start));
    const kind = pickWeighted(r, [
      ['card', 88],
      ['refund', 2],
      ['atm', 4],
      ['friend-out', 3],
      ['friend-in', 3],
    ] as const);
    if (kind === 'card' || kind === 'refund') {
      drafts.push(cardDraft(pickWeighted(r, choices), time, r, gb, kind === 'refund'));
    } else if (kind === 'atm') {
      drafts.push({
        time,
        minor: -intBetween(r, 1, 10) * 1000,
        line: gb
          ? {
              description: `CASH NOTEMACHINE ${String(intBetween(r, 1, 28)).padStart(2, '0')}JAN ${['LEEDS', 'LONDON'][intBetween(r, 0, 1)]}`,
              bankTransactionCode: 'PMNT-CCRD-CWDL',
              proprietaryBankTransactionCode: 'ATM',
            }
          : {
              description: `BARGELDAUSZAHLUNG GAA ${intBetween(r, 1000, 9999)}`,
              bankTransactionCode: 'PMNT-CCRD-CWDL',
            },
        label: { category: 'CASH_ATM_WITHDRAWAL', merchant: null },
      });
    } else {
      const friend = pick(r, friends[region]);
      const out = kind === 'friend-out';
      drafts.push({
        time,
        minor: (out ? -1 : 1) * intBetween(r, 500, 25_000),
        line: {
          description: `${friend.toUpperCase()} ${pick(r, gb ? ['DINNER', 'TICKETS', 'THANKS', 'BILLS'] : ['ABENDESSEN', 'TICKETS', 'DANKE'])}`,
          counterpartyName: friend,
          bankTransactionCode: out ? 'PMNT-ICDT-DMCT' : 'PMNT-RCDT-DMCT',
          ...(gb ? { proprietaryBankTransactionCode: out ? 'FPO' : 'FPI' } : {}),
        },
        label: {
          category: out ? 'TRANSFER_OUT_ACCOUNT_TRANSFER' : 'TRANSFER_IN_ACCOUNT_TRANSFER',
          merchant: null,
        },
      });
    }
  }
}

/** A day each month in [start, end), clamped to short months, moved off weekends. */
function monthly(start: number, end: number, day: number, shift: 'before' | 'after'): number[] {
  const out: number[] = [];
  const s = new Date(start);
  for (let y = s.getUTCFullYear(), m = s.getUTCMonth(); ; m++) {
    const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    const nominal = Date.UTC(y, m, Math.min(day, last));
    if (nominal >= end) break;
    const time = workingDay(nominal, shift);
    if (time >= start && time < end) out.push(time);
  }
  return out;
}

function workingDay(time: number, shift: 'before' | 'after'): number {
  let t = time;
  while ([0, 6].includes(new Date(t).getUTCDay())) t += shift === 'after' ? DAY : -DAY;
  return t;
}
