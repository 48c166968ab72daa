import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../../src/shared/auth/permissions.ts';
import { ConnectionExpiryNotices } from '../../src/subgraphs/accounts/services/connection-expiry.ts';
import { applyBankTransactions } from '../../src/subgraphs/accounts/services/sync-store.ts';
import { errorCodes, expectNoErrors, startTestSystem, type TestSystem } from '../support/system.ts';
import { eventually, startReceiver, type Receiver } from './support/receiver.ts';

const readAll = [
  Permission.ReadAccountsBasic,
  Permission.ReadBalances,
  Permission.ReadTransactionsBasic,
  Permission.ReadTransactionsCredits,
  Permission.ReadTransactionsDebits,
];

interface Payload {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

const endpointFields = 'endpoint { id url eventTypes status disabledReason } secret';

describe('events and webhooks through the gateway (embedded default, no broker)', () => {
  let t: TestSystem;
  let receiver: Receiver;
  let pfm: string;
  let basic: string;
  let pfmSecret: string;

  const payloads = (path: string) => receiver.at(path).map((r) => JSON.parse(r.body) as Payload);

  async function register(token: string, path: string, eventTypes: string[]) {
    const res = await t.execute<{
      createWebhookEndpoint: { endpoint: { id: string }; secret: string };
    }>(
      token,
      `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { ${endpointFields} } }`,
      { i: { url: `${receiver.url}${path}`, eventTypes } },
    );
    expectNoErrors(res);
    return res.data!.createWebhookEndpoint;
  }

  async function events(token: string, after?: string) {
    const res = await t.execute<{
      events: { id: string; cursor: string; type: string; data: string }[];
    }>(token, 'query($a: String) { events(after: $a, first: 500) { id cursor type data } }', {
      a: after,
    });
    expectNoErrors(res);
    return res.data!.events;
  }

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestSystem({
      EVENT_POLL_INTERVAL_MS: '50',
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_RETRY_MAX_DELAY_MS: '200',
      WEBHOOK_SANDBOX_MODE: 'true',
    });
    pfm = await t.tokens.client('demo-pfm', 'demo-pfm-secret');
    basic = await t.tokens.client('demo-basic', 'demo-basic-secret');
    pfmSecret = (await register(pfm, '/pfm', ['CONSENT_STATUS_CHANGED', 'TRANSACTIONS_UPDATED']))
      .secret;
    await register(basic, '/basic', ['CONSENT_STATUS_CHANGED', 'TRANSACTIONS_UPDATED']);
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.close();
  });

  it("a revoked consent's event reaches its client within seconds, signed", async () => {
    const { consentId } = await t.authorisedConsent({ permissions: readAll });
    const revokedAt = Date.now();
    expectNoErrors(
      await t.execute(pfm, 'mutation($id: ID!) { revokeConsent(id: $id) { status } }', {
        id: consentId,
      }),
    );
    await receiver.waitFor(() =>
      payloads('/pfm').some((p) => p.data.consentId === consentId && p.data.status === 'Revoked'),
    );
    const delivered = receiver
      .at('/pfm')
      .find((r) => r.body.includes(consentId) && r.body.includes('"Revoked"'))!;
    expect(delivered.at - revokedAt).toBeLessThan(3_000);
    // Verified by the independent Standard Webhooks library, as a receiver would.
    const verified = new Webhook(pfmSecret).verify(
      delivered.body,
      delivered.headers as Record<string, string>,
    ) as Payload;
    expect(verified).toMatchObject({
      type: 'CONSENT_STATUS_CHANGED',
      data: { consentId, status: 'Revoked', previousStatus: 'Authorised' },
    });
    expect(delivered.headers['webhook-id']).toBe(verified.id);
    // Thin: ids and the status only, nothing the graph guards with a permission.
    expect(Object.keys(verified.data).sort()).toEqual(['consentId', 'previousStatus', 'status']);
  });

  it('a client receives only events about its own consents', async () => {
    const { consentId } = await t.authorisedConsent({ permissions: readAll });
    await receiver.waitFor(() => payloads('/pfm').some((p) => p.data.consentId === consentId));
    expect(payloads('/basic').filter((p) => p.data.consentId === consentId)).toEqual([]);
    expect((await events(basic)).filter((e) => e.data.includes(consentId))).toEqual([]);
  });

  it('a sync that stores changes tells the clients whose consents cover the account', async () => {
    const { consentId, accountIds } = await t.authorisedConsent({
      permissions: readAll,
      accounts: 'first',
    });
    const accountId = accountIds[0]!;
    const at = '2090-01-02T10:00:00.000Z';
    const outcome = await applyBankTransactions(
      t.system.db.accounts,
      [{ accountId, bankAccountId: 'bank-acc-events', country: 'GB' }],
      { from: new Date('2090-01-01T00:00:00Z'), to: new Date('2090-01-31T00:00:00Z') },
      ['t-1', 't-2'].map((id) => ({
        bankTransactionId: id,
        bankAccountId: 'bank-acc-events',
        status: 'Booked' as const,
        amount: '1.00',
        currency: 'GBP',
        creditDebit: 'Debit' as const,
        bookingDateTime: at,
      })),
      new Date(),
    );
    expect(outcome.added).toBe(2);
    await receiver.waitFor(() =>
      payloads('/pfm').some(
        (p) => p.type === 'TRANSACTIONS_UPDATED' && p.data.consentId === consentId,
      ),
    );
    const p = payloads('/pfm').find(
      (p) => p.type === 'TRANSACTIONS_UPDATED' && p.data.consentId === consentId,
    )!;
    expect(p.data).toEqual({ consentId, accountId, added: 2, modified: 0, removed: 0 });
    expect(payloads('/basic').filter((p) => p.type === 'TRANSACTIONS_UPDATED')).toEqual([]);
  });

  it('a bank consent lapsing soon tells the clients whose consents cover its accounts', async () => {
    await register(pfm, '/pfm-expiry', ['CONSENT_EXPIRING']);
    await register(basic, '/basic-expiry', ['CONSENT_EXPIRING']);
    const mine = await t.authorisedConsent({ permissions: readAll, accounts: 'first' });
    const { connection } = await t.system.db.accounts.account.findUniqueOrThrow({
      where: { id: mine.accountIds[0]! },
      include: { connection: true },
    });
    // demo-basic's consent covers only the PSU's accounts at the other banks.
    const theirs = await t.authorisedConsent({
      permissions: [Permission.ReadAccountsBasic, Permission.ReadBalances],
      client: ['demo-basic', 'demo-basic-secret'],
      accounts: (a) => a.bankId !== connection.bankId,
    });
    expect(theirs.accountIds.length).toBeGreaterThan(0);
    // The accounts service's own scheduler, ticked on a clock a day before each of the PSU's
    // bank consents lapses (its hourly timer would not come in a test). They lapse on
    // different days: a UK bank's after 90 days, an EU bank's after 180.
    const lapses = await t.system.db.accounts.connection.findMany({
      where: { psuId: connection.psuId, consentExpiresAt: { not: null } },
      select: { consentExpiresAt: true },
    });
    for (const at of new Set(lapses.map((c) => c.consentExpiresAt!.getTime()))) {
      await new ConnectionExpiryNotices({
        db: t.system.db.accounts,
        clock: { now: () => new Date(at - 86_400_000) },
        noticeDays: 7,
      }).tick();
    }
    const lapsing = (path: string, consentId: string) =>
      payloads(path).filter((p) => p.type === 'CONSENT_EXPIRING' && p.data.consentId === consentId);
    await receiver.waitFor(() => lapsing('/pfm-expiry', mine.consentId).length > 0);
    // demo-basic hears of the other banks' connections.
    await receiver.waitFor(() => lapsing('/basic-expiry', theirs.consentId).length > 0);
    const mineOfThisBank = lapsing('/pfm-expiry', mine.consentId).filter(
      (p) => p.data.bankId === connection.bankId,
    );
    expect(mineOfThisBank.map((p) => p.data)).toEqual([
      {
        consentId: mine.consentId,
        kind: 'connection',
        expiresAt: connection.consentExpiresAt!.toISOString(),
        bankId: connection.bankId,
        accountIds: mine.accountIds,
      },
    ]);
    const basicHeard = payloads('/basic-expiry').filter((p) => p.type === 'CONSENT_EXPIRING');
    expect(basicHeard.filter((p) => p.data.bankId === connection.bankId)).toEqual([]);
    for (const p of basicHeard) {
      expect(p.data.accountIds as string[]).not.toContain(mine.accountIds[0]);
    }
  });

  it('replay returns missed events in order, after a cursor', async () => {
    // The endpoint is disabled: the next events are missed, then read back.
    const { endpoint } = await register(pfm, '/missed', ['CONSENT_STATUS_CHANGED']);
    expectNoErrors(
      await t.execute(pfm, 'mutation($id: ID!) { disableWebhookEndpoint(id: $id) { status } }', {
        id: endpoint.id,
      }),
    );
    const before = await events(pfm);
    const cursor = before.at(-1)!.cursor;
    const first = await t.authorisedConsent({ permissions: readAll });
    const second = await t.authorisedConsent({ permissions: readAll });
    await t.execute(pfm, 'mutation($id: ID!) { revokeConsent(id: $id) { id } }', {
      id: first.consentId,
    });
    const missed = await eventually(
      () => events(pfm, cursor),
      (e) => e.length >= 3,
    );
    expect(receiver.at('/missed')).toEqual([]);
    expect(missed.map((e) => [e.type, JSON.parse(e.data)])).toEqual([
      [
        'CONSENT_STATUS_CHANGED',
        expect.objectContaining({ consentId: first.consentId, status: 'Authorised' }),
      ],
      [
        'CONSENT_STATUS_CHANGED',
        expect.objectContaining({ consentId: second.consentId, status: 'Authorised' }),
      ],
      [
        'CONSENT_STATUS_CHANGED',
        expect.objectContaining({ consentId: first.consentId, status: 'Revoked' }),
      ],
    ]);
    const cursors = missed.map((e) => Number(e.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
    // The ids are the webhook-ids the other endpoint received.
    const deliveredIds = receiver.at('/pfm').map((r) => r.headers['webhook-id']);
    for (const e of missed) expect(deliveredIds).toContain(e.id);
    const deliveries = await t.execute<{
      webhookDeliveries: { eventId: string; status: string; attempts: number }[];
    }>(pfm, 'query($e: ID) { webhookDeliveries(eventId: $e) { eventId status attempts } }', {
      e: missed[2]!.id,
    });
    expectNoErrors(deliveries);
    expect(deliveries.data!.webhookDeliveries).toEqual([
      { eventId: missed[2]!.id, status: 'Succeeded', attempts: 1 },
    ]);
  });

  it('a rotated secret signs beside the old one, which still verifies', async () => {
    const { endpoint, secret: old } = await register(pfm, '/rotated', ['CONSENT_STATUS_CHANGED']);
    const rotated = await t.execute<{ rotateWebhookEndpointSecret: { secret: string } }>(
      pfm,
      `mutation($id: ID!) { rotateWebhookEndpointSecret(id: $id) { ${endpointFields} } }`,
      { id: endpoint.id },
    );
    expectNoErrors(rotated);
    const fresh = rotated.data!.rotateWebhookEndpointSecret.secret;
    expect(fresh).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(fresh).not.toBe(old);
    const { consentId } = await t.authorisedConsent({ permissions: readAll });
    await receiver.waitFor(() => receiver.at('/rotated').some((r) => r.body.includes(consentId)));
    const r = receiver.at('/rotated').find((r) => r.body.includes(consentId))!;
    for (const s of [fresh, old])
      new Webhook(s).verify(r.body, r.headers as Record<string, string>);
    const listed = await t.execute<{ webhookEndpoints: { id: string }[] }>(
      basic,
      '{ webhookEndpoints { id } }',
    );
    expect(listed.data!.webhookEndpoints.map((e) => e.id)).not.toContain(endpoint.id);
    // Another client cannot rotate or disable it.
    const foreign = await t.execute(
      basic,
      'mutation($id: ID!) { disableWebhookEndpoint(id: $id) { id } }',
      { id: endpoint.id },
    );
    expect(errorCodes(foreign)).toEqual(['NOT_FOUND']);
  });

  it('only a client app with its own token manages webhooks and reads events', async () => {
    const psu = await t.testIdp.psuToken();
    const { token: consentToken } = await t.authorisedConsent({ permissions: readAll });
    for (const token of [psu, consentToken]) {
      const created = await t.execute(
        token,
        'mutation { createWebhookEndpoint(input: { url: "https://example.com/h", eventTypes: [CONSENT_STATUS_CHANGED] }) { secret } }',
      );
      expect(errorCodes(created)).toEqual(['FORBIDDEN']);
      expect(errorCodes(await t.execute(token, '{ events { id } }'))).toEqual(['FORBIDDEN']);
    }
  });

  it('a URL that is not https (or loopback http in sandbox mode) is a client mistake', async () => {
    for (const url of ['ftp://example.com/h', 'http://example.com/h', 'not a url']) {
      const res = await t.execute(
        pfm,
        'mutation($u: String!) { createWebhookEndpoint(input: { url: $u, eventTypes: [CONSENT_STATUS_CHANGED] }) { secret } }',
        { u: url },
      );
      expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    }
  });
});
