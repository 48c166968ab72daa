import { describe, expect, it } from 'vitest';
import { SandboxBankData, type BankDataSpec } from '../../src/sandbox/data/bank.js';
import { isValidIban, makeIban } from '../../src/sandbox/data/identifiers.js';

const ANCHOR_DATE = '2025-06-01';

const spec: BankDataSpec = {
  bankId: 'obie-bank',
  seed: 42,
  region: 'GB',
  psus: ['alice', 'bob'],
  accountsPerPsu: 2,
  transactionsPerAccount: 1500,
  anchorDate: ANCHOR_DATE,
};

function snapshot(bank: SandboxBankData): string {
  return JSON.stringify(bank.accounts.map((a) => ({ a, ledger: bank.ledger(a.accountId) })));
}

describe('generated bank data', () => {
  it.each(['GB', 'DE'] as const)('is identical for the same seed and options (%s)', (region) => {
    const options = { ...spec, region };
    expect(snapshot(new SandboxBankData(options))).toBe(snapshot(new SandboxBankData(options)));
  });

  it('differs for a different seed', () => {
    const a = new SandboxBankData(spec);
    const b = new SandboxBankData({ ...spec, seed: 43 });
    expect(a.accounts[0]?.iban).not.toBe(b.accounts[0]?.iban);
    expect(snapshot(a)).not.toBe(snapshot(b));
  });

  it('gives every PSU the requested accounts with valid IBANs in the right currency', () => {
    const gb = new SandboxBankData(spec);
    const de = new SandboxBankData({ ...spec, bankId: 'bg-bank', region: 'DE' });
    expect(gb.accounts).toHaveLength(4);
    expect(gb.accountsOf('bob').map((a) => a.product)).toEqual(['current', 'savings']);
    for (const account of [...gb.accounts, ...de.accounts])
      expect(isValidIban(account.iban)).toBe(true);
    expect(gb.accounts.every((a) => a.currency === 'GBP' && a.iban.startsWith('GB'))).toBe(true);
    expect(de.accounts.every((a) => a.currency === 'EUR' && a.iban.startsWith('DE'))).toBe(true);
    expect(new Set(gb.accounts.map((a) => a.accountId)).size).toBe(4);
  });

  it('checks IBAN checksums', () => {
    expect(isValidIban('GB82WEST12345698765432')).toBe(true);
    expect(isValidIban('GB82WEST12345698765433')).toBe(false);
    expect(makeIban('DE', '370400440532013000')).toBe('DE89370400440532013000');
  });

  it('spreads the history over the two years before the anchor date', () => {
    const bank = new SandboxBankData(spec);
    const ledger = bank.ledger(bank.accounts[0]?.accountId ?? '');
    expect(ledger.entries).toHaveLength(1500);
    const times = ledger.entries.map((e) => e.bookingTime);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(bank.historyStart);
    expect(Math.max(...times)).toBeLessThan(bank.historyEnd);
    expect(bank.historyEnd - bank.historyStart).toBe(730 * 86_400_000);
    const ids = new Set(ledger.entries.map((e) => e.transactionId));
    expect(ids.size).toBe(1500);
  });

  it('mixes salary, card payments with merchants and MCCs, and transfers with counterparties', () => {
    const bank = new SandboxBankData(spec);
    const entries = bank.ledger(bank.accounts[0]?.accountId ?? '').entries;
    const salaries = entries.filter((e) => e.kind === 'salary');
    expect(salaries).toHaveLength(24);
    expect(salaries.every((e) => e.amountMinor > 0 && e.counterparty !== undefined)).toBe(true);
    const cards = entries.filter((e) => e.kind === 'card');
    expect(cards.length).toBeGreaterThan(900);
    expect(
      cards.every((e) => e.amountMinor < 0 && /^\d{4}$/.test(e.merchant?.categoryCode ?? '')),
    ).toBe(true);
    const transfers = entries.filter((e) => e.kind === 'transfer-out' || e.kind === 'transfer-in');
    expect(transfers.length).toBeGreaterThan(50);
    expect(transfers.every((e) => e.counterparty && isValidIban(e.counterparty.iban))).toBe(true);
  });

  it('has a few pending card payments on current accounts, all in the last days', () => {
    const bank = new SandboxBankData(spec);
    for (const account of bank.accounts) {
      const pending = bank.ledger(account.accountId).entries.filter((e) => e.status === 'pending');
      if (account.product === 'current') {
        expect(pending.length).toBeGreaterThanOrEqual(3);
        expect(pending.every((e) => e.kind === 'card')).toBe(true);
      } else {
        expect(pending).toHaveLength(0);
      }
      expect(pending.every((e) => e.bookingTime >= bank.historyEnd - 2 * 86_400_000)).toBe(true);
    }
  });

  it('keeps balances consistent with the transactions', () => {
    const bank = new SandboxBankData(spec);
    for (const account of bank.accounts) {
      const ledger = bank.ledger(account.accountId);
      const booked = ledger.entries.filter((e) => e.status === 'booked');
      const pending = ledger.entries.filter((e) => e.status === 'pending');
      const sum = (list: typeof booked): number => list.reduce((s, e) => s + e.amountMinor, 0);
      expect(ledger.bookedBalanceMinor).toBe(ledger.openingBalanceMinor + sum(booked));
      expect(ledger.pendingMinor).toBe(sum(pending));
      expect(booked.at(-1)?.balanceAfterMinor).toBe(ledger.bookedBalanceMinor);
      expect(booked.every((e) => (e.balanceAfterMinor ?? -1) >= 0)).toBe(true);
    }
  });

  it('generates 10k transactions per account well under a second, lazily and once', () => {
    const started = performance.now();
    const bank = new SandboxBankData({
      ...spec,
      psus: ['alice'],
      accountsPerPsu: 1,
      transactionsPerAccount: 10_000,
    });
    const id = bank.accounts[0]?.accountId ?? '';
    const ledger = bank.ledger(id);
    expect(performance.now() - started).toBeLessThan(500);
    expect(ledger.entries).toHaveLength(10_000);
    expect(bank.ledger(id)).toBe(ledger);
  });
});
