import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxBank, SandboxBankOptions } from '../../src/sandbox/index.js';
import {
  authorise,
  bgConsent,
  bgHeaders,
  clientToken,
  http,
  obieSession,
  postForm,
  postJson,
  psuAccounts,
  START_TIME,
  startBank,
  TestClock,
  type TokenResponse,
} from './helpers.js';

const HOUR = 3_600_000;

interface PaymentBody {
  Data: { DomesticPaymentId: string; ConsentId: string; Status: string };
}

let dir: string;
let clock: TestClock;
let bank: SandboxBank | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
  clock = new TestClock();
});
afterEach(async () => {
  await bank?.close();
  bank = undefined;
  rmSync(dir, { recursive: true, force: true });
});

type Standard = Pick<SandboxBankOptions, 'standard'> & Partial<SandboxBankOptions>;

/** Closes the running bank (if any) and starts the same bank again over the same directory. */
async function restart(options: Standard): Promise<SandboxBank> {
  await bank?.close();
  bank = await startBank({ transactionsPerAccount: 20, stateDir: dir, ...options }, clock);
  return bank;
}

describe('OBIE bank with a stateDir', () => {
  const pisBase = (b: SandboxBank): string => `${b.url}/open-banking/v3.1/pisp`;

  async function payment(b: SandboxBank, client: string, key: string) {
    const debtor = (await psuAccounts(b, 'alice'))[0]!;
    const initiation = {
      InstructionIdentification: 'INSTR-1',
      EndToEndIdentification: 'E2E-1',
      InstructedAmount: { Amount: '12.30', Currency: 'GBP' },
      DebtorAccount: {
        SchemeName: 'UK.OBIE.SortCodeAccountNumber',
        Identification: `${debtor.sortCode}${debtor.accountNumber}`,
      },
      CreditorAccount: {
        SchemeName: 'UK.OBIE.SortCodeAccountNumber',
        Identification: '20150012345678',
        Name: 'Bob Creditor',
      },
    };
    const consent = await postJson<{ Data: { ConsentId: string } }>(
      `${pisBase(b)}/domestic-payment-consents`,
      { Data: { Initiation: initiation }, Risk: {} },
      { authorization: `Bearer ${client}`, 'x-idempotency-key': `${key}-consent` },
    );
    expect(consent.status).toBe(201);
    const consentId = consent.body.Data.ConsentId;
    const approved = await authorise(b, { consentId, psu: 'alice' });
    const tokens = await postForm<TokenResponse>(`${b.url}/oauth/token`, {
      grant_type: 'authorization_code',
      code: approved.body.code ?? '',
    });
    const body = { Data: { ConsentId: consentId, Initiation: initiation }, Risk: {} };
    // Takes the bank: after a restart it answers on another port.
    const pay = (at: SandboxBank, payKey: string, sent: unknown = body) =>
      postJson<PaymentBody & { Errors?: Array<{ ErrorCode: string }> }>(
        `${pisBase(at)}/domestic-payments`,
        sent,
        { authorization: `Bearer ${tokens.body.access_token}`, 'x-idempotency-key': payKey },
      );
    return { consentId, body, pay };
  }

  it('a restarted bank still knows its tokens, consents, payments and idempotency keys', async () => {
    let b = await restart({ standard: 'obie' });
    const session = await obieSession(b, {
      data: { ExpirationDateTime: new Date(START_TIME + 2 * HOUR).toISOString() },
    });
    const before = await http<{ Data: { Account: Array<{ AccountId: string }> } }>(
      `${session.base}/accounts`,
      { headers: session.headers },
    );
    expect(before.status).toBe(200);
    const client = await clientToken(b, 'payments');
    const made = await payment(b, client, 'restart-1');
    const paid = await made.pay(b, 'restart-1-pay');
    expect(paid.status).toBe(201);
    const paymentId = paid.body.Data.DomesticPaymentId;
    const read = (bank: SandboxBank) =>
      http<PaymentBody>(`${pisBase(bank)}/domestic-payments/${paymentId}`, {
        headers: { authorization: `Bearer ${client}` },
      });
    expect((await read(b)).body.Data.Status).toBe('AcceptedSettlementInProcess');

    b = await restart({ standard: 'obie' });

    // The same PSU token reads the same accounts.
    const after = await http<{ Data: { Account: Array<{ AccountId: string }> } }>(
      `${b.url}/open-banking/v3.1/aisp/accounts`,
      { headers: session.headers },
    );
    expect(after.status).toBe(200);
    expect(after.body.Data.Account.map((a) => a.AccountId)).toEqual(
      before.body.Data.Account.map((a) => a.AccountId),
    );
    // The payment carries on from the step it had reached; its consent stays consumed.
    expect((await read(b)).body.Data.Status).toBe('AcceptedSettlementCompleted');
    const consent = await http<{ Data: { Status: string } }>(
      `${pisBase(b)}/domestic-payment-consents/${made.consentId}`,
      { headers: { authorization: `Bearer ${client}` } },
    );
    expect(consent.body.Data.Status).toBe('Consumed');
    // Same key, same body: the original answer, not a second payment.
    const replay = await made.pay(b, 'restart-1-pay');
    expect(replay.status).toBe(201);
    expect(replay.body.Data.DomesticPaymentId).toBe(paymentId);
    expect(replay.body.Data.Status).toBe('Pending');
    // Same key, other body: still refused.
    const other = structuredClone(made.body);
    other.Data.Initiation.InstructedAmount.Amount = '99.99';
    const conflict = await made.pay(b, 'restart-1-pay', other);
    expect(conflict.status).toBe(400);
    expect(conflict.body.Errors?.[0]?.ErrorCode).toBe('UK.OBIE.Field.Invalid');
  });

  it('tokens and consents expire on their own times after a restart, and refresh tokens still work', async () => {
    let b = await restart({ standard: 'obie', accessTokenTtlSeconds: 3600 });
    const session = await obieSession(b, {
      data: { ExpirationDateTime: new Date(START_TIME + 1.5 * HOUR).toISOString() },
    });
    b = await restart({ standard: 'obie', accessTokenTtlSeconds: 3600 });
    const accounts = (headers: Record<string, string>) =>
      http(`${b.url}/open-banking/v3.1/aisp/accounts`, { headers });

    clock.advance(HOUR + 1000);
    expect((await accounts(session.headers)).status).toBe(401);
    const refreshed = await postForm<TokenResponse>(`${b.url}/oauth/token`, {
      grant_type: 'refresh_token',
      refresh_token: session.refreshToken,
    });
    expect(refreshed.status).toBe(200);
    const fresh = { authorization: `Bearer ${refreshed.body.access_token}` };
    expect((await accounts(fresh)).status).toBe(200);

    b = await restart({ standard: 'obie', accessTokenTtlSeconds: 3600 });
    clock.advance(0.75 * HOUR); // the fresh token is still valid, the consent is not
    expect((await accounts(fresh)).status).toBe(403);
  });
});

describe('Berlin Group bank with a stateDir', () => {
  it('a consent keeps its status and daily count, a payment its status', async () => {
    let b = await restart({ standard: 'berlin-group' });
    const consentId = await bgConsent(b, { frequencyPerDay: 2 });
    const list = (bank: SandboxBank) =>
      http<{ tppMessages?: Array<{ code: string }> }>(`${bank.url}/v1/accounts`, {
        headers: bgHeaders({ 'Consent-ID': consentId }),
      });
    expect((await list(b)).status).toBe(200);
    const debtorIban = (await psuAccounts(b, 'alice'))[0]!.iban;
    const initiated = await postJson<{ paymentId: string }>(
      `${b.url}/v1/payments/sepa-credit-transfers`,
      {
        debtorAccount: { iban: debtorIban },
        instructedAmount: { currency: 'EUR', amount: '10.00' },
        creditorAccount: { iban: 'DE89370400440532013000' },
        creditorName: 'Erika Mustermann',
      },
      bgHeaders({ 'PSU-ID': 'alice', 'PSU-IP-Address': '192.0.2.1' }),
    );
    const paymentId = initiated.body.paymentId;
    expect((await authorise(b, { paymentId, psu: 'alice' })).status).toBe(200);
    const status = async (bank: SandboxBank) =>
      (
        await http<{ transactionStatus: string }>(
          `${bank.url}/v1/payments/sepa-credit-transfers/${paymentId}/status`,
          { headers: bgHeaders() },
        )
      ).body.transactionStatus;
    expect(await status(b)).toBe('ACTC');

    b = await restart({ standard: 'berlin-group' });

    const consent = await http<{ consentStatus: string }>(
      `${b.url}/v1/consents/${consentId}/status`,
      { headers: bgHeaders() },
    );
    expect(consent.body.consentStatus).toBe('valid');
    // One read before the restart, one after: the day's budget of two is spent.
    expect((await list(b)).status).toBe(200);
    const exceeded = await list(b);
    expect(exceeded.status).toBe(429);
    expect(exceeded.body.tppMessages?.[0]?.code).toBe('ACCESS_EXCEEDED');
    expect(await status(b)).toBe('ACSC');

    b = await restart({ standard: 'berlin-group' });
    clock.advance(24 * HOUR);
    expect((await list(b)).status).toBe(200); // a new day, a new budget
  });
});

describe('where the state lives', () => {
  it('under <stateDir>/<bank id> only', async () => {
    const b = await restart({ standard: 'obie', id: 'bank-a' });
    await obieSession(b);
    expect(readdirSync(dir)).toEqual(['bank-a']);
    expect(readdirSync(join(dir, 'bank-a'))).toContain('state.db');
  });

  it('without a stateDir nothing is written to disk and a restart forgets', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      bank = await startBank({ standard: 'obie', transactionsPerAccount: 20 }, clock);
      const session = await obieSession(bank);
      await bank.close();
      bank = await startBank({ standard: 'obie', transactionsPerAccount: 20 }, clock);
      const res = await http(`${bank.url}/open-banking/v3.1/aisp/accounts`, {
        headers: session.headers,
      });
      expect(res.status).toBe(401);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('refuses a bank id that would leave the directory', async () => {
    await expect(
      startBank({ standard: 'obie', id: '../elsewhere', stateDir: dir }),
    ).rejects.toThrow(/id must be/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
