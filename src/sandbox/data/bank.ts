import { surnames, type Region } from './catalogue.js';
import { bankCode, bicFor, germanIban, opaqueId, ukAccountNumber } from './identifiers.js';
import { applyEvents, type LedgerEvents } from './lifecycle.js';
import { generateLedger } from './ledger.js';
import type { Ledger, SandboxAccount, SandboxPsu } from './model.js';
import { hashSeed, intBetween, mulberry32, pick } from './prng.js';

const DAY_MS = 86_400_000;
const HISTORY_DAYS = 730;

export interface BankDataSpec {
  bankId: string;
  seed: number;
  region: Region;
  psus: readonly string[];
  accountsPerPsu: number;
  transactionsPerAccount: number;
  /** YYYY-MM-DD; the history ends at the start of this day (UTC). */
  anchorDate: string;
}

/**
 * The bank's customers and accounts, made eagerly (they are few), and each account's
 * history, made on first use and cached: a test that reads one account pays for one.
 */
export class SandboxBankData {
  readonly psus: readonly SandboxPsu[];
  readonly accounts: readonly SandboxAccount[];
  readonly historyStart: number;
  readonly historyEnd: number;
  private readonly byId = new Map<string, SandboxAccount>();
  private readonly byIban = new Map<string, SandboxAccount>();
  private readonly ledgers = new Map<string, Ledger>();
  private readonly views = new Map<string, Ledger>();
  private events: LedgerEvents = {};
  /** Bumped whenever what the bank reports changes; callers key their caches by it. */
  version = 0;

  constructor(private readonly spec: BankDataSpec) {
    this.historyEnd = Date.parse(`${spec.anchorDate}T00:00:00Z`);
    this.historyStart = this.historyEnd - HISTORY_DAYS * DAY_MS;
    this.psus = spec.psus.map((username) => ({
      username,
      displayName: displayName(spec, username),
    }));
    const accounts: SandboxAccount[] = [];
    for (const psu of this.psus) {
      for (let i = 0; i < spec.accountsPerPsu; i++) {
        const account = this.makeAccount(psu, i);
        accounts.push(account);
        this.byId.set(account.accountId, account);
        this.byIban.set(account.iban, account);
      }
    }
    this.accounts = accounts;
  }

  account(accountId: string): SandboxAccount | undefined {
    return this.byId.get(accountId);
  }

  accountByIban(iban: string): SandboxAccount | undefined {
    return this.byIban.get(iban.replace(/\s+/g, '').toUpperCase());
  }

  accountsOf(psu: string): SandboxAccount[] {
    return this.accounts.filter((a) => a.psu === psu);
  }

  hasPsu(psu: string): boolean {
    return this.psus.some((p) => p.username === psu);
  }

  /** The account's history as the bank reports it now (after settlements and faults). */
  ledger(accountId: string): Ledger {
    if (!this.events.settled && !this.events.dropBooked) return this.generated(accountId);
    let view = this.views.get(accountId);
    if (!view)
      this.views.set(accountId, (view = applyEvents(this.generated(accountId), this.events)));
    return view;
  }

  currentEvents(): LedgerEvents {
    return { ...this.events };
  }

  /** Replaces what has happened since the history was generated ({} goes back to it). */
  setEvents(events: LedgerEvents): void {
    if (events.settled?.tipPercent === this.events.settled?.tipPercent) {
      if ((events.dropBooked ?? 0) === (this.events.dropBooked ?? 0)) return;
    }
    this.events = { ...events };
    this.views.clear();
    this.version++;
  }

  private generated(accountId: string): Ledger {
    const cached = this.ledgers.get(accountId);
    if (cached) return cached;
    const account = this.byId.get(accountId);
    if (!account) throw new Error(`unknown account ${accountId}`);
    const ledger = generateLedger({
      account,
      bankId: this.spec.bankId,
      count: this.spec.transactionsPerAccount,
      start: this.historyStart,
      end: this.historyEnd,
    });
    this.ledgers.set(accountId, ledger);
    return ledger;
  }

  private makeAccount(psu: SandboxPsu, index: number): SandboxAccount {
    const { bankId, seed, region } = this.spec;
    const accountSeed = hashSeed(bankId, seed, psu.username, index);
    const random = mulberry32(hashSeed(accountSeed, 'identity'));
    let accountId = opaqueId('acc', accountSeed);
    // 32-bit ids can collide; a suffix keeps them unique and still deterministic.
    while (this.byId.has(accountId)) accountId = `${accountId}${index}`;
    const product = index % 2 === 0 ? 'current' : 'savings';
    const ordinal = index >= 2 ? ` ${Math.floor(index / 2) + 1}` : '';
    const openingTime =
      this.historyEnd - intBetween(random, 3 * 365, 12 * 365) * DAY_MS - DAY_MS * 0.5;
    const common = {
      accountId,
      psu: psu.username,
      ownerName: psu.displayName,
      region,
      product,
      openingTime: Math.floor(openingTime / DAY_MS) * DAY_MS,
      creditLimitMinor: product === 'current' ? 100_000 : 0,
      seed: accountSeed,
    } as const;
    if (region === 'GB') {
      const uk = ukAccountNumber(random, bankCode(bankId));
      return {
        ...common,
        currency: 'GBP',
        nickname: `${product === 'current' ? 'Everyday' : 'Rainy day'}${ordinal}`,
        description: product === 'current' ? 'Current Account' : 'Easy Access Saver',
        iban: uk.iban,
        bic: bicFor(bankId, 'GB'),
        sortCode: uk.sortCode,
        accountNumber: uk.accountNumber,
      };
    }
    return {
      ...common,
      currency: 'EUR',
      nickname: `${product === 'current' ? 'Girokonto' : 'Tagesgeld'}${ordinal}`,
      description: product === 'current' ? 'Girokonto' : 'Tagesgeldkonto',
      iban: germanIban(random, `1${String(hashSeed(bankId) % 10_000_000).padStart(7, '0')}`),
      bic: bicFor(bankId, 'DE'),
    };
  }
}

function displayName(spec: BankDataSpec, username: string): string {
  const random = mulberry32(hashSeed(spec.bankId, spec.seed, username, 'name'));
  const first = username.charAt(0).toUpperCase() + username.slice(1);
  return `${first} ${pick(random, surnames[spec.region])}`;
}
