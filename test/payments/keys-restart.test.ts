import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedSandbox } from '../../src/sandbox/embedded.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { Q, createConsent, data, gbpOrder, iban, payerToken, type ConsentView } from './support.ts';

/**
 * Payments' sealed values (PSU bank tokens, debtor identifications) and one-time code MACs
 * live in DATA_DIR's payments store; rotating the gateway–subgraph secret must not lose them.
 * The sandbox banks run outside the system so both runs talk to the same bank state.
 */
describe('rotating INTERNAL_CONTEXT_SECRET loses no payments data', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lg-payments-keys-'));
  let sandbox: Awaited<ReturnType<typeof startEmbeddedSandbox>>;
  let t: TestSystem | undefined;

  const bankUrl = (id: string) => sandbox.handles.find((h) => h.id === id)!.url;
  const start = (secret: string) =>
    startTestSystem({
      DATA_DIR: dataDir,
      INTERNAL_CONTEXT_SECRET: secret,
      SANDBOX_BANKS: 'false',
      BANKS: JSON.stringify(sandbox.banks),
      PAYMENTS_ANOMALY_BURST_COUNT: '1000',
    });

  beforeAll(async () => {
    sandbox = await startEmbeddedSandbox({
      host: '127.0.0.1',
      basePort: 0,
      seed: 20261123,
      transactionsPerAccount: 5,
    });
  });
  afterAll(async () => {
    await t?.stop();
    await sandbox?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function alicesIban(bankId: string): Promise<string> {
    const res = await fetch(`${bankUrl(bankId)}/__sandbox/psus`);
    const psus = (await res.json()) as { username: string; accounts: { iban: string }[] }[];
    return psus.find((p) => p.username === 'alice')!.accounts[0]!.iban;
  }

  async function approveAtBank(bankId: string, body: Record<string, unknown>) {
    const res = await fetch(`${bankUrl(bankId)}/__sandbox/authorise`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ psu: 'alice', ...body }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { code: string };
  }

  it('consents sealed and a code issued under secret A are used under secret B', async () => {
    t = await start('A'.repeat(40));
    const payer = await payerToken(t);
    // OBIE: the PSU's bank tokens are sealed at authorisation; 150.00 needs a one-time code.
    const obie = await createConsent(
      t,
      payer.token,
      gbpOrder({
        amount: '150.00',
        debtorAccount: { scheme: 'IBAN', identification: await alicesIban('sandbox-obie') },
      }),
    );
    expect(obie.sca.required).toBe(true);
    const { code } = await approveAtBank('sandbox-obie', {
      consentId: obie.authorisation!.bankConsentId,
    });
    data(
      await t.execute(payer.token, Q.authorise, { id: obie.id, code }),
      'authorisePaymentConsent',
    );
    const challenge = data(
      await t.execute<Record<string, { sandboxCode: string }>>(payer.token, Q.challenge, {
        id: obie.id,
      }),
      'requestPaymentChallenge',
    );
    // Berlin Group: the debtor's IBAN is sealed at consent creation.
    const bg: ConsentView = await createConsent(
      t,
      payer.token,
      gbpOrder({
        bankId: 'sandbox-bg',
        currency: 'EUR',
        amount: '20.00',
        creditorAccount: { scheme: 'IBAN', identification: iban('DE', '370400440532013000') },
        debtorAccount: { scheme: 'IBAN', identification: await alicesIban('sandbox-bg') },
      }),
    );
    const rows = await t.system.db.payments.domesticPaymentConsent.findMany({
      where: { id: { in: [obie.id, bg.id] } },
    });
    expect(rows.flatMap((r) => [r.debtorSealed, r.bankSessionSealed]).filter(Boolean)).toHaveLength(
      3,
    );
    await t.stop();
    t = undefined;

    t = await start('B'.repeat(40));
    const token = await t.tokens.consent(payer.consentId);
    const verified = data(
      await t.execute<Record<string, ConsentView>>(token, Q.verify, {
        id: obie.id,
        code: challenge.sandboxCode,
      }),
      'verifyPaymentChallenge',
    );
    expect(verified.sca.satisfied).toBe(true);
    const paid = data(
      await t.execute<Record<string, { status: string }>>(token, Q.submit, {
        key: 'after-rotation-obie',
        id: obie.id,
      }),
      'submitPayment',
    );
    expect(paid.status).toBe('Pending');

    const bgChallenge = data(
      await t.execute<Record<string, { sandboxCode: string }>>(token, Q.challenge, { id: bg.id }),
      'requestPaymentChallenge',
    );
    data(
      await t.execute(token, Q.verify, { id: bg.id, code: bgChallenge.sandboxCode }),
      'verifyPaymentChallenge',
    );
    const sepa = data(
      await t.execute<Record<string, { status: string; bankStatus: string }>>(token, Q.submit, {
        key: 'after-rotation-bg',
        id: bg.id,
      }),
      'submitPayment',
    );
    expect(sepa).toMatchObject({ status: 'Pending', bankStatus: 'RCVD' });
    // The embedded default's payments key, generated on the first run and reused.
    expect(statSync(join(dataDir, 'payments.key')).mode & 0o777).toBe(0o600);
  });
});
