import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Q, gbpOrder, iban, ibansAt, newKey, pay, payerToken } from '../payments/support.ts';
import { errorCodes, expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';

/** Issue 15: a client acting under alice's consent names accounts that are not hers. */
describe('accounts a consent or a payment names are the PSU’s, through the gateway (review 15.2, 15.5)', () => {
  let t: TestSystem;
  let payer: Awaited<ReturnType<typeof payerToken>>;

  beforeAll(async () => {
    t = await startTestSystem({ SANDBOX_TRANSACTIONS_PER_ACCOUNT: '2' });
    payer = await payerToken(t);
  });
  afterAll(() => t.stop());

  /** Every call any sandbox bank received, and the payment consents stored. */
  const traces = async () => ({
    bankCalls: t.system.sandbox!.handles.map((h) => h.callCount()),
    consents: await t.system.db.payments.domesticPaymentConsent.count(),
  });

  const accountsOf = async (token: string) => {
    const res = await t.execute<{ accounts: { id: string; bankId: string }[] }>(
      token,
      '{ accounts { id bankId } }',
    );
    expectNoErrors(res);
    return res.data!.accounts;
  };

  describe('15.2: a payment’s debtor account', () => {
    const sepa = (debtorIban: string, extra: Record<string, unknown> = {}) =>
      gbpOrder({
        bankId: 'sandbox-bg',
        currency: 'EUR',
        amount: '20.00',
        creditorAccount: { scheme: 'IBAN', identification: iban('DE', '370400440532013000') },
        debtorAccount: { scheme: 'IBAN', identification: debtorIban },
        ...extra,
      });

    it('alice’s consent naming bob’s IBAN at a Berlin Group bank is FORBIDDEN, and no bank hears of it', async () => {
      const [bobsIban] = await ibansAt(t, 'sandbox-bg', 'bob');
      const alicesBgAccount = (await accountsOf(payer.token)).find(
        (a) => a.bankId === 'sandbox-bg',
      )!;
      const before = await traces();
      for (const input of [
        sepa(bobsIban!),
        sepa(bobsIban!, { debtorAccountId: alicesBgAccount.id }),
      ]) {
        const res = await t.execute(payer.token, Q.createConsent, { key: newKey(), input });
        expect(errorCodes(res)).toEqual(['FORBIDDEN']);
        expect(res.errors![0]!.message).toMatch(/debtorAccount is not one of the accounts/);
        expect(res.data?.createPaymentConsent ?? null).toBeNull();
      }
      expect(await traces()).toEqual(before);
    });

    it('alice’s consent naming bob’s account at an OBIE bank, by IBAN or sort code, is FORBIDDEN before the bank call', async () => {
      const bobs = await fetch(`${t.sandboxBank('sandbox-obie').url}/__sandbox/psus`)
        .then(
          (r) =>
            r.json() as Promise<
              {
                username: string;
                accounts: { iban: string; sortCode: string; accountNumber: string }[];
              }[]
            >,
        )
        .then((psus) => psus.find((p) => p.username === 'bob')!.accounts[0]!);
      const before = await traces();
      for (const debtorAccount of [
        { scheme: 'IBAN', identification: bobs.iban },
        {
          scheme: 'SortCodeAccountNumber',
          identification: `${bobs.sortCode}${bobs.accountNumber}`,
        },
      ]) {
        const res = await t.execute(payer.token, Q.createConsent, {
          key: newKey(),
          input: gbpOrder({ debtorAccount }),
        });
        expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      }
      expect(await traces()).toEqual(before);
    });

    it('her own IBAN, of an account her consent covers, still pays', async () => {
      const [alicesIban] = await ibansAt(t, 'sandbox-bg', 'alice');
      const paid = await pay(t, payer.token, sepa(alicesIban!));
      expect(paid.status).toBe('Pending');
    });

    it('her own IBAN of an account this consent does not cover is FORBIDDEN', async () => {
      const narrow = await t.authorisedConsent({
        permissions: ['ReadAccountsBasic', 'InitiatePayments', 'ReadPayments'],
        accounts: (a) => a.bankId === 'sandbox-obie',
      });
      const [alicesIban] = await ibansAt(t, 'sandbox-bg', 'alice');
      const res = await t.execute(narrow.token, Q.createConsent, {
        key: newKey(),
        input: sepa(alicesIban!),
      });
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    });
  });

  describe('15.5: the accounts a consent selects', () => {
    const authorise = (token: string, id: string, accountIds: string[]) =>
      t.execute<{ authoriseConsent: { id: string; status: string } }>(
        token,
        'mutation($id: ID!, $a: [ID!]!) { authoriseConsent(id: $id, accountIds: $a) { id status } }',
        { id, a: accountIds },
      );

    it('refuses bob’s account id and a made-up id with BAD_USER_INPUT naming them; her own ids authorise', async () => {
      const clientToken = await t.tokens.client();
      const requested = await t.execute<{ requestConsent: { id: string } }>(
        clientToken,
        'mutation { requestConsent(input: { permissions: [ReadAccountsBasic] }) { id } }',
      );
      expectNoErrors(requested);
      const consentId = requested.data!.requestConsent.id;
      const alice = await t.testIdp.psuToken('alice');
      const alices = (await accountsOf(alice)).map((a) => a.id);
      const [bobs] = (await accountsOf(await t.testIdp.psuToken('bob'))).map((a) => a.id);

      const refused = await authorise(alice, consentId, [alices[0]!, bobs!, 'acc_made_up']);
      expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
      expect(refused.errors![0]!.extensions).toMatchObject({
        field: 'accountIds',
        accountIds: [bobs, 'acc_made_up'],
      });
      expect(refused.errors![0]!.message).toContain(bobs!);
      const waiting = await t.execute<{ consent: { status: string } }>(
        clientToken,
        'query($id: ID!) { consent(id: $id) { status } }',
        { id: consentId },
      );
      expect(waiting.data!.consent.status).toBe('AwaitingAuthorisation');

      const authorised = await authorise(alice, consentId, alices);
      expectNoErrors(authorised);
      expect(authorised.data!.authoriseConsent.status).toBe('Authorised');
    });
  });
});
