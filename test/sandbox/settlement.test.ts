/**
 * What happens at a sandbox bank after the generated history, driven over its admin surface:
 * pending entries booked under new ids (one with a tip), and the dropBooked fault.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxBank } from '../../src/sandbox/index.js';
import { http, obieSession, postJson, startBank, type ObieSession } from './helpers.js';

interface Entry {
  AccountId: string;
  TransactionId: string;
  Status: string;
  Amount: { Amount: string };
  CreditDebitIndicator: string;
  Balance?: { Amount: { Amount: string }; CreditDebitIndicator: string };
  MerchantDetails?: { MerchantName: string };
}

const signed = (a: { Amount: string } | { Amount: { Amount: string } }, cd: string) => {
  const amount = typeof a.Amount === 'string' ? a.Amount : a.Amount.Amount;
  return Math.round(Number(amount) * 100) * (cd === 'Debit' ? -1 : 1);
};

describe('sandbox settlement and dropBooked (OBIE bank)', () => {
  let bank: SandboxBank;
  let session: ObieSession;
  let accountId: string;
  beforeAll(async () => {
    bank = await startBank({ standard: 'obie', transactionsPerAccount: 60 });
    session = await obieSession(bank);
    const accounts = await http<{ Data: { Account: { AccountId: string }[] } }>(
      `${session.base}/accounts`,
      { headers: session.headers },
    );
    accountId = accounts.body.Data.Account[0]!.AccountId;
  });
  afterAll(() => bank.close());

  const entries = async () =>
    (
      await http<{ Data: { Transaction: Entry[] } }>(
        `${session.base}/accounts/${accountId}/transactions`,
        { headers: session.headers },
      )
    ).body.Data.Transaction;
  const bookedBalance = async () => {
    const res = await http<{
      Data: {
        Balance: { Type: string; Amount: { Amount: string }; CreditDebitIndicator: string }[];
      };
    }>(`${session.base}/accounts/${accountId}/balances`, { headers: session.headers });
    const b = res.body.Data.Balance.find((x) => x.Type === 'InterimBooked')!;
    return signed(b.Amount, b.CreditDebitIndicator);
  };

  it('books every pending entry under a new id, one card payment with the tip, and the balance follows', async () => {
    const before = await entries();
    const pending = before.filter((e) => e.Status === 'Pending');
    expect(pending.length).toBeGreaterThanOrEqual(3);
    const balanceBefore = await bookedBalance();

    const res = await postJson(`${bank.url}/__sandbox/settlement`, { tipPercent: 10 });
    expect(res.status).toBe(200);
    const after = await entries();
    expect(after.filter((e) => e.Status === 'Pending')).toEqual([]);
    const byId = new Map(after.map((e) => [e.TransactionId, e]));
    let tips = 0;
    let delta = 0;
    for (const p of pending) {
      expect(byId.has(p.TransactionId)).toBe(false);
      const booked = byId.get(`${p.TransactionId}-B`)!;
      expect(booked.Status).toBe('Booked');
      const was = signed(p.Amount, p.CreditDebitIndicator);
      const now = signed(booked.Amount, booked.CreditDebitIndicator);
      if (now !== was) {
        tips++;
        expect(now / was).toBeCloseTo(1.1, 2);
      }
      delta += now;
    }
    expect(tips).toBe(1);
    expect(await bookedBalance()).toBe(balanceBefore + delta);
    // Running balances still add up, newest first.
    const newest = after[0]!;
    expect(signed(newest.Balance!.Amount, newest.Balance!.CreditDebitIndicator)).toBe(
      balanceBefore + delta,
    );

    expect((await http(`${bank.url}/__sandbox/settlement`, { method: 'DELETE' })).status).toBe(200);
    expect((await entries()).filter((e) => e.Status === 'Pending')).toHaveLength(pending.length);
  });

  it('dropBooked leaves the newest booked entries out while the balance still counts them', async () => {
    const all = await entries();
    const balance = await bookedBalance();
    bank.setFaults({ dropBooked: 2 });
    try {
      const shown = await entries();
      expect(shown).toHaveLength(all.length - 2);
      const booked = all.filter((e) => e.Status === 'Booked');
      const missing = booked.slice(0, 2).map((e) => e.TransactionId);
      expect(shown.some((e) => missing.includes(e.TransactionId))).toBe(false);
      expect(await bookedBalance()).toBe(balance);
    } finally {
      bank.resetFaults();
    }
    expect(await entries()).toHaveLength(all.length);
  });
});
