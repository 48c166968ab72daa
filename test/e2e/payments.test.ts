import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Q,
  approveAtBank,
  authorise,
  bank,
  createConsent,
  data,
  gbpOrder,
  iban,
  ibansAt,
  newKey,
  pay,
  payerToken,
  stepUp,
  submit,
  type PaymentView,
} from '../payments/support.ts';
import { signInternalContext } from '../../src/shared/auth/internal-context.ts';
import { errorCodes, expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';

interface PaymentRead {
  id: string;
  status: string;
  bankStatus: string | null;
  statusReason: string | null;
  statusHistory: { fromStatus: string | null; toStatus: string; bankStatus: string | null }[];
}

const issuer = 'https://sca-idp.example';

describe('payments through the gateway, against the sandbox banks', () => {
  let t: TestSystem;
  let payer: Awaited<ReturnType<typeof payerToken>>;
  let jwks: Server;
  let idpKey: CryptoKey;
  // Alice has paid this creditor before (first test), so only the amount can ask for SCA.
  const knownCreditor = { scheme: 'SortCodeAccountNumber', identification: '60161331926819' };

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    idpKey = privateKey;
    const jwk = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const port = (jwks.address() as { port: number }).port;
    t = await startTestSystem({
      SANDBOX_TRANSACTIONS_PER_ACCOUNT: '5',
      PAYMENTS_STATUS_FRESHNESS_SECONDS: '0',
      PAYMENTS_VELOCITY_MAX_COUNT: '1000',
      PAYMENTS_ANOMALY_BURST_COUNT: '1000',
      PAYMENTS_ANOMALY_AMOUNT_FACTOR: '1000',
      // An identity provider that does strong customer authentication for demo-pfm's PSUs.
      TRUSTED_ISSUERS: JSON.stringify([
        {
          issuer,
          jwksUrl: `http://127.0.0.1:${port}/jwks`,
          clients: { 'demo-pfm': 'demo-pfm' },
          maxScopes: [
            'ReadAccountsBasic',
            'InitiatePayments',
            'ReadPayments',
            'payments:initiate',
            'payments:read',
          ],
          consentBound: true,
        },
      ]),
    });
    payer = await payerToken(t);
    await pay(t, payer.token, gbpOrder({ creditorAccount: knownCreditor }));
  });
  afterAll(async () => {
    await t.stop();
    jwks.close();
  });

  const read = async (token: string, id: string) =>
    data(await t.execute<Record<string, PaymentRead>>(token, Q.payment, { id }), 'payment');

  async function walk(token: string, id: string, steps: number): Promise<PaymentRead> {
    let last: PaymentRead | undefined;
    for (let i = 0; i < steps; i++) last = await read(token, id);
    return last!;
  }

  const pisCalls = (bankId: string, path: string) =>
    bank(t, bankId).callCount({ pathPrefix: path, method: 'POST' });

  describe.each([
    [
      'sandbox-obie',
      '/open-banking/v3.1/pisp',
      ['Pending', 'AcceptedSettlementInProcess', 'AcceptedSettlementCompleted'],
    ],
    ['sandbox-obie-v4', '/open-banking/v4.0/pisp', ['PDNG', 'ACSP', 'ACSC']],
  ])('OBIE bank %s', (bankId, pisp, bankStatuses) => {
    it('walks consent → PSU authorisation at the bank → submission → settlement, with history', async () => {
      const accounts = await t.execute<{ accounts: { id: string; bankId: string }[] }>(
        payer.token,
        '{ accounts { id bankId } }',
      );
      const debtor = accounts.data!.accounts.find((a) => a.bankId === bankId)!;
      const consent = await createConsent(
        t,
        payer.token,
        gbpOrder({ bankId, debtorAccountId: debtor.id, creditorAccount: knownCreditor }),
      );
      expect(consent).toMatchObject({
        status: 'AwaitingAuthorisation',
        sca: { required: false, reasons: [], satisfied: true },
      });
      expect(consent.authorisation!.url).toBe(`${bank(t, bankId).url}/__sandbox/authorise`);

      const early = await submit(t, payer.token, consent.id);
      expect(errorCodes(early)).toEqual(['FORBIDDEN']);
      expect(early.errors![0]!.extensions).toMatchObject({ reason: 'consent_not_authorised' });

      expect(await authorise(t, payer.token, consent, bankId)).toMatchObject({
        status: 'Authorised',
      });
      const sent = data(await submit(t, payer.token, consent.id), 'submitPayment');
      expect(sent).toMatchObject({ status: 'Pending', bankStatus: bankStatuses[0] });

      const done = await walk(payer.token, sent.id, 3);
      expect(done.status).toBe('AcceptedSettlementCompleted');
      expect(done.statusHistory).toEqual([
        { fromStatus: null, toStatus: 'Pending', bankStatus: bankStatuses[0] },
        {
          fromStatus: 'Pending',
          toStatus: 'AcceptedSettlementInProcess',
          bankStatus: bankStatuses[1],
        },
        {
          fromStatus: 'AcceptedSettlementInProcess',
          toStatus: 'AcceptedSettlementCompleted',
          bankStatus: bankStatuses[2],
        },
      ]);
      // Final: no more status reads at the bank.
      const reads = bank(t, bankId).callCount({ pathPrefix: `${pisp}/domestic-payments/` });
      await read(payer.token, sent.id);
      expect(bank(t, bankId).callCount({ pathPrefix: `${pisp}/domestic-payments/` })).toBe(reads);

      const federated = await t.execute<{
        payment: { debtorAccount: { id: string; bankId: string } };
      }>(payer.token, 'query($id: ID!) { payment(id: $id) { debtorAccount { id bankId } } }', {
        id: sent.id,
      });
      expectNoErrors(federated);
      expect(federated.data!.payment.debtorAccount).toEqual({ id: debtor.id, bankId });
    });

    it('follows the bank’s rejection of a creditor account ending 0000', async () => {
      const paid = await pay(
        t,
        payer.token,
        gbpOrder({
          bankId,
          creditorAccount: { scheme: 'SortCodeAccountNumber', identification: '20150099990000' },
        }),
      );
      expect(paid.status).toBe('Pending');
      const rejected = await walk(payer.token, paid.id, 2);
      expect(rejected.status).toBe('Rejected');
      expect(rejected.bankStatus).toBe(bankId === 'sandbox-obie' ? 'Rejected' : 'RJCT');
      if (bankId === 'sandbox-obie-v4') expect(rejected.statusReason).toBe('AC01');
    });
  });

  describe('Berlin Group bank', () => {
    const creditor = { scheme: 'IBAN', identification: iban('DE', '370400440532013000') };

    async function sepa(creditorAccount = creditor) {
      const [debtorIban] = await ibansAt(t, 'sandbox-bg');
      return gbpOrder({
        bankId: 'sandbox-bg',
        currency: 'EUR',
        amount: '20.00',
        creditorAccount,
        debtorAccount: { scheme: 'IBAN', identification: debtorIban },
      });
    }

    it('initiates at submission, the PSU authorises the payment at the bank, then it settles', async () => {
      const before = bank(t, 'sandbox-bg').callCount();
      const consent = await createConsent(t, payer.token, await sepa());
      expect(consent).toMatchObject({ status: 'AwaitingAuthorisation', authorisation: null });
      expect(bank(t, 'sandbox-bg').callCount()).toBe(before);
      await stepUp(t, payer.token, consent.id);
      const sent = await t.execute<{
        submitPayment: PaymentView & { bankPaymentId: string };
      }>(
        payer.token,
        'mutation($key: String!, $id: ID!) { submitPayment(idempotencyKey: $key, paymentConsentId: $id) { id status bankStatus bankPaymentId authorisationUrl } }',
        { key: newKey(), id: consent.id },
      );
      const payment = data(sent, 'submitPayment');
      expect(payment).toMatchObject({ status: 'Pending', bankStatus: 'RCVD' });
      expect(payment.authorisationUrl).toBe(`${bank(t, 'sandbox-bg').url}/__sandbox/authorise`);
      expect((await read(payer.token, payment.id)).bankStatus).toBe('RCVD');

      await approveAtBank(t, 'sandbox-bg', { paymentId: payment.bankPaymentId });
      const settled = await walk(payer.token, payment.id, 2);
      expect(settled.status).toBe('AcceptedSettlementCompleted');
      expect(settled.statusHistory.map((h) => `${h.toStatus}/${h.bankStatus}`)).toEqual([
        'Pending/RCVD',
        'Pending/ACTC',
        'AcceptedSettlementCompleted/ACSC',
      ]);
    });

    it('follows the bank’s rejection of a creditor IBAN ending 0000', async () => {
      const order = await sepa({
        scheme: 'IBAN',
        identification: iban('DE', '370400440532010000'),
      });
      const consent = await createConsent(t, payer.token, order);
      await stepUp(t, payer.token, consent.id);
      const res = await t.execute<{ submitPayment: { id: string; bankPaymentId: string } }>(
        payer.token,
        'mutation($key: String!, $id: ID!) { submitPayment(idempotencyKey: $key, paymentConsentId: $id) { id bankPaymentId } }',
        { key: newKey(), id: consent.id },
      );
      const payment = data(res, 'submitPayment');
      await approveAtBank(t, 'sandbox-bg', { paymentId: payment.bankPaymentId });
      expect(await read(payer.token, payment.id)).toMatchObject({
        status: 'Rejected',
        bankStatus: 'RJCT',
      });
    });
  });

  describe('strong customer authentication', () => {
    it('holds a payment above the threshold with FORBIDDEN saying SCA is required, then sends it after a one-time code', async () => {
      const consent = await createConsent(
        t,
        payer.token,
        gbpOrder({ amount: '150.00', creditorAccount: knownCreditor }),
      );
      expect(consent.sca).toEqual({
        required: true,
        reasons: ['AmountAboveThreshold'],
        satisfied: false,
      });
      await authorise(t, payer.token, consent, 'sandbox-obie');
      const posts = pisCalls('sandbox-obie', '/open-banking/v3.1/pisp/domestic-payments');
      const key = newKey();
      const refused = await submit(t, payer.token, consent.id, key);
      expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
      expect(refused.errors![0]!.message).toMatch(/Strong customer authentication is required/);
      expect(refused.errors![0]!.extensions).toMatchObject({
        reason: 'sca_required',
        scaReasons: ['AmountAboveThreshold'],
      });
      expect(pisCalls('sandbox-obie', '/open-banking/v3.1/pisp/domestic-payments')).toBe(posts);
      const stillReady = await t.execute<{ paymentConsent: { status: string; payment: unknown } }>(
        payer.token,
        'query($id: ID!) { paymentConsent(id: $id) { status payment { id } } }',
        { id: consent.id },
      );
      expect(stillReady.data!.paymentConsent).toEqual({ status: 'Authorised', payment: null });

      await stepUp(t, payer.token, consent.id);
      // The same key works after the step-up: the refusal had no lasting effect.
      const sent = data(await submit(t, payer.token, consent.id, key), 'submitPayment');
      expect(sent.status).toBe('Pending');
      expect(pisCalls('sandbox-obie', '/open-banking/v3.1/pisp/domestic-payments')).toBe(posts + 1);
    });

    it('asks for SCA for a creditor the PSU never paid, even for a small amount', async () => {
      const consent = await createConsent(
        t,
        payer.token,
        gbpOrder({
          amount: '1.00',
          creditorAccount: { scheme: 'SortCodeAccountNumber', identification: '77777712345678' },
        }),
      );
      expect(consent.sca.reasons).toEqual(['NewCreditor']);
      await authorise(t, payer.token, consent, 'sandbox-obie');
      const refused = await submit(t, payer.token, consent.id);
      expect(refused.errors![0]!.extensions).toMatchObject({
        code: 'FORBIDDEN',
        scaReasons: ['NewCreditor'],
      });
    });

    it('counts wrong codes and tells how many attempts are left', async () => {
      const consent = await createConsent(
        t,
        payer.token,
        gbpOrder({ amount: '300.00', creditorAccount: knownCreditor }),
      );
      const challenge = data(
        await t.execute<Record<string, { sandboxCode: string; attemptsAllowed: number }>>(
          payer.token,
          Q.challenge,
          { id: consent.id },
        ),
        'requestPaymentChallenge',
      );
      expect(challenge.attemptsAllowed).toBe(3);
      const wrong = challenge.sandboxCode === '123456' ? '654321' : '123456';
      const res = await t.execute(payer.token, Q.verify, { id: consent.id, code: wrong });
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      expect(res.errors![0]!.extensions).toMatchObject({ attemptsLeft: 2 });
      expect(res.errors![0]!.message).toMatch(/Wrong code; 2 attempts left/);
    });

    it('accepts a token whose acr says SCA was done instead of a code, and only that acr', async () => {
      const consent = await createConsent(
        t,
        payer.token,
        gbpOrder({ amount: '250.00', creditorAccount: knownCreditor }),
      );
      await authorise(t, payer.token, consent, 'sandbox-obie');
      const tokenWith = (acr: string) =>
        new SignJWT({
          client_id: 'demo-pfm',
          consent_id: payer.consentId,
          scope: 'ReadAccountsBasic InitiatePayments ReadPayments payments:initiate payments:read',
          acr,
        })
          .setProtectedHeader({ alg: 'ES256', kid: 'idp-1', typ: 'at+jwt' })
          .setIssuer(issuer)
          .setSubject('psu_alice')
          .setAudience('ledgergraph')
          .setIssuedAt()
          .setExpirationTime('2m')
          .setJti(newKey('jti'))
          .sign(idpKey);
      const weak = await submit(t, await tokenWith('urn:openbanking:psd2:ca'), consent.id);
      expect(errorCodes(weak)).toEqual(['FORBIDDEN']);
      const strong = await submit(t, await tokenWith('urn:openbanking:psd2:sca'), consent.id);
      expect(data(strong, 'submitPayment').status).toBe('Pending');
    });
  });

  describe('input checks', () => {
    it.each([
      [{ amount: '-5.00' }, /amount must be positive/],
      [{ amount: '12,50' }, /amount must be a decimal string/],
      [{ amount: 'ten' }, /amount must be a decimal string/],
      [{ amount: '1.234' }, /3 decimal places; GBP allows at most 2/],
      [{ amount: '0' }, /greater than zero/],
      [{ currency: 'XYZ' }, /ISO 4217/],
      [
        { creditorAccount: { scheme: 'IBAN', identification: 'GB00NWBK60161331926819' } },
        /not a valid IBAN/,
      ],
      [{ bankId: 'nowhere' }, /Unknown bank/],
    ])(
      'refuses %j with BAD_USER_INPUT and a clear message, before any bank call',
      async (bad, message) => {
        const before = bank(t, 'sandbox-obie').callCount();
        const res = await t.execute(payer.token, Q.createConsent, {
          key: newKey(),
          input: gbpOrder(bad),
        });
        expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
        expect(res.errors![0]!.message).toMatch(message);
        expect(bank(t, 'sandbox-obie').callCount()).toBe(before);
      },
    );

    it('refuses an idempotency key longer than 40 characters', async () => {
      const res = await t.execute(payer.token, Q.createConsent, {
        key: 'k'.repeat(41),
        input: gbpOrder(),
      });
      expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0]!.message).toMatch(/at most|1 to 40/);
      const submitted = await submit(t, payer.token, 'pc_x', 'k'.repeat(41));
      expect(errorCodes(submitted)).toEqual(['BAD_USER_INPUT']);
    });

    it('refuses a debtor account the consent does not cover', async () => {
      const res = await t.execute(payer.token, Q.createConsent, {
        key: newKey(),
        input: gbpOrder({ debtorAccountId: 'acc_someone_else' }),
      });
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    });
  });

  describe('scopes and ownership', () => {
    it('needs payments:initiate to initiate and payments:read to read', async () => {
      const readOnly = await payerToken(t, undefined, ['ReadAccountsBasic', 'ReadPayments']);
      const res = await t.execute(readOnly.token, Q.createConsent, {
        key: newKey(),
        input: gbpOrder(),
      });
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      expect(res.errors![0]!.message).toMatch(/payments:initiate/);
      const initiateOnly = await payerToken(t, undefined, [
        'ReadAccountsBasic',
        'InitiatePayments',
      ]);
      const list = await t.execute(initiateOnly.token, '{ payments { id } }');
      expect(errorCodes(list)).toEqual(['FORBIDDEN']);
      const client = await t.tokens.client();
      expect(
        errorCodes(await t.execute(client, Q.createConsent, { key: newKey(), input: gbpOrder() })),
      ).toEqual(['FORBIDDEN']);
    });

    it('hides a PSU’s payments and consents from another PSU', async () => {
      const paid = await pay(t, payer.token, gbpOrder({ creditorAccount: knownCreditor }));
      const bob = await payerToken(t, ['bob', 'bob-sandbox']);
      expect(errorCodes(await t.execute(bob.token, Q.payment, { id: paid.id }))).toEqual([
        'NOT_FOUND',
      ]);
      const consent = await createConsent(
        t,
        payer.token,
        gbpOrder({ creditorAccount: knownCreditor }),
      );
      expect(errorCodes(await submit(t, bob.token, consent.id))).toEqual(['NOT_FOUND']);
      const bobs = await t.execute<{ payments: { id: string }[] }>(
        bob.token,
        '{ payments { id } }',
      );
      expect(bobs.data!.payments.map((p) => p.id)).not.toContain(paid.id);
    });
  });
  describe('Payment entity resolution stays authorised', () => {
    // The gateway never asks for Payment by reference today, but the key is resolvable:
    // graphql-middleware drops __resolveReference, so it is guarded separately.
    const entities = async (context: string | undefined, id: string) => {
      const res = await fetch(`${t.system.subgraphUrls.payments}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(context ? { 'x-ledgergraph-context': context } : {}),
        },
        body: JSON.stringify({
          query:
            'query($r: [_Any!]!) { _entities(representations: $r) { ... on Payment { id amount } } }',
          variables: { r: [{ __typename: 'Payment', id }] },
        }),
      });
      return (await res.json()) as {
        data?: { _entities: unknown[] } | null;
        errors?: { extensions: { code: string } }[];
      };
    };
    const contextFor = (psuId: string) =>
      signInternalContext(
        {
          requestId: 'r',
          principal: {
            kind: 'consent',
            subject: psuId,
            clientId: 'demo-pfm',
            psuId,
            consentId: 'c',
            scopes: ['payments:read'],
            tokenId: 't',
            issuer: 'i',
            expiresAt: 0,
          },
          grant: {
            consentId: 'c',
            psuId,
            clientId: 'demo-pfm',
            status: 'Authorised',
            permissions: ['ReadPayments'],
            accountIds: [],
            transactionFromDate: null,
            transactionToDate: null,
            expiresAt: null,
          },
        },
        'payments',
        readFileSync(`${t.config.dataDir}/internal-context.secret`, 'utf8'),
      );

    it('refuses without the gateway context, resolves the own payment, not another PSU’s', async () => {
      const paid = await pay(t, payer.token, gbpOrder({ creditorAccount: knownCreditor }));
      const anonymous = await entities(undefined, paid.id);
      expect(anonymous.errors?.map((e) => e.extensions.code)).toContain('UNAUTHENTICATED');
      const own = await entities(await contextFor('psu_alice'), paid.id);
      expect(own.data!._entities).toEqual([{ id: paid.id, amount: '12.50' }]);
      const other = await entities(await contextFor('psu_bob'), paid.id);
      expect(other.data!._entities).toEqual([null]);
    });
  });
});
