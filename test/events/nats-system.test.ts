/**
 * Client events end to end over NATS JetStream: the running services write real changes
 * (a payment's status re-read from the bank, a background sync that finds transactions, a
 * revocation), their relays publish them to the broker, consent's router consumes them and
 * its dispatcher delivers them to a client's receiver, verified with `standardwebhooks`.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'nats';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../../src/shared/auth/permissions.ts';
import { BackgroundSync } from '../../src/subgraphs/accounts/services/background-sync.ts';
import { data, gbpOrder, pay, payerToken, Q } from '../payments/support.ts';
import { natsUrl, requireNats } from '../support/services.ts';
import { expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

const available = await requireNats();
// One stream per run: parallel runs on the same server never see each other's events.
const prefix = `lgtest-sys-${randomUUID().slice(0, 8)}`;

interface Payload {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

describe.skipIf(!available)('client events through the running services over NATS', () => {
  let t: TestSystem;
  let receiver: Receiver;
  let secret: string;

  /** What reached the receiver, each verified as a client app would verify it. */
  const verified = (): Payload[] =>
    receiver
      .at('/pfm')
      .map(
        (r) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as Payload,
      );

  const arrived = async (test: (p: Payload) => boolean): Promise<Payload> => {
    await receiver.waitFor(() => verified().some(test), 8_000);
    return verified().find(test)!;
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestSystem({
      NATS_URL: natsUrl,
      NATS_PREFIX: prefix,
      EVENT_POLL_INTERVAL_MS: '50',
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_RETRY_MAX_DELAY_MS: '200',
      WEBHOOK_SANDBOX_MODE: 'true',
      SANDBOX_TRANSACTIONS_PER_ACCOUNT: '5',
      // Every read of a payment asks the bank, which moves it one step along.
      PAYMENTS_STATUS_FRESHNESS_SECONDS: '0',
    });
    const client = await t.tokens.client('demo-pfm', 'demo-pfm-secret');
    const created = await t.execute<{ createWebhookEndpoint: { secret: string } }>(
      client,
      `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }`,
      {
        i: {
          url: `${receiver.url}/pfm`,
          eventTypes: ['PAYMENT_STATUS_CHANGED', 'TRANSACTIONS_UPDATED', 'CONSENT_STATUS_CHANGED'],
        },
      },
    );
    expectNoErrors(created);
    secret = created.data!.createWebhookEndpoint.secret;
  });

  afterAll(async () => {
    await t?.stop();
    await receiver?.close();
    const nc = await connect({ servers: natsUrl });
    const jsm = await nc.jetstreamManager();
    for await (const s of jsm.streams.list()) {
      if (s.config.name.startsWith(prefix)) await jsm.streams.delete(s.config.name);
    }
    await nc.close();
  });

  it("a payment's status change reaches the client's receiver, signed", async () => {
    const payer = await payerToken(t);
    const payment = await pay(t, payer.token, gbpOrder());
    expect(payment.status).toBe('Pending');
    // The client reads it; the bank has moved it on: the change is stored with its event.
    const read = data(
      await t.execute<Record<string, { status: string }>>(payer.token, Q.payment, {
        id: payment.id,
      }),
      'payment',
    );
    expect(read.status).toBe('AcceptedSettlementInProcess');
    const p = await arrived(
      (p) =>
        p.type === 'PAYMENT_STATUS_CHANGED' &&
        p.data.paymentId === payment.id &&
        p.data.status === 'AcceptedSettlementInProcess',
    );
    expect(p.data).toMatchObject({ paymentId: payment.id, consentId: payer.consentId });
    // Its first status was told too, with the payment.
    await arrived((p) => p.data.paymentId === payment.id && p.data.status === 'Pending');
  });

  it('a background sync that finds transactions tells the client whose consent covers them', async () => {
    const { consentId, accountIds } = await t.authorisedConsent({
      permissions: [
        Permission.ReadAccountsBasic,
        Permission.ReadTransactionsBasic,
        Permission.ReadTransactionsCredits,
        Permission.ReadTransactionsDebits,
      ],
      accounts: 'first',
    });
    const accountId = accountIds[0]!;
    const before = await t.system.db.accounts.account.findUniqueOrThrow({
      where: { id: accountId },
    });
    // The running service's own sync, ticked now instead of within five minutes.
    const sync = new BackgroundSync({
      db: t.system.db.accounts,
      bankData: t.system.services.bankData,
      clock: t.clock,
      perDay: 4,
    });
    const outcome = await sync.tick();
    expect(outcome.failed).toBe(0);
    const p = await arrived(
      (p) =>
        p.type === 'TRANSACTIONS_UPDATED' &&
        p.data.consentId === consentId &&
        p.data.accountId === accountId,
    );
    expect(Number(p.data.added)).toBeGreaterThan(0);
    const after = await t.system.db.accounts.account.findUniqueOrThrow({
      where: { id: accountId },
    });
    expect(after.transactionsSyncedAt).not.toEqual(before.transactionsSyncedAt);
  });

  it("a revoked consent's CONSENT_STATUS_CHANGED arrives within seconds", async () => {
    const { consentId, clientToken } = await t.authorisedConsent({
      permissions: [Permission.ReadAccountsBasic],
    });
    const revokedAt = Date.now();
    expectNoErrors(
      await t.execute(clientToken, 'mutation($id: ID!) { revokeConsent(id: $id) { status } }', {
        id: consentId,
      }),
    );
    await arrived(
      (p) =>
        p.type === 'CONSENT_STATUS_CHANGED' &&
        p.data.consentId === consentId &&
        p.data.status === 'Revoked',
    );
    const r = receiver
      .at('/pfm')
      .find((r) => r.body.includes(consentId) && r.body.includes('"Revoked"'))!;
    expect(r.at - revokedAt).toBeLessThan(3_000);
  });

  it('went through the broker: the stream holds them and the routing group consumed them', async () => {
    const nc = await connect({ servers: natsUrl });
    try {
      const jsm = await nc.jetstreamManager();
      const stream = await jsm.streams.info(`${prefix}-events`);
      expect(stream.state.messages).toBeGreaterThanOrEqual(verified().length);
      const group = await jsm.consumers.info(`${prefix}-events`, 'client-events');
      expect(group.delivered.stream_seq).toBeGreaterThan(0);
    } finally {
      await nc.close();
    }
  });
});
