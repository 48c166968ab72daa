import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/shared/clock.ts';
import {
  eventsIngestRoute,
  eventsRoute,
  HttpEventTransport,
} from '../../src/shared/events/http.ts';
import { InProcessTransport } from '../../src/shared/events/in-process.ts';
import { eventOf } from '../../src/shared/events/outbox.ts';
import { outboxEvents } from '../../src/shared/events/subjects.ts';
import {
  migrateConsentDb,
  openConsentDb,
  type ConsentDb,
} from '../../src/subgraphs/consent/db/client.ts';
import { EventRouter } from '../../src/subgraphs/consent/services/events/router.ts';

const secret = 'an-internal-secret-of-at-least-32-chars!';
const now = new Date();

describe('routing events to the client apps they concern', () => {
  let dir: string;
  let db: ConsentDb;
  let router: EventRouter;
  let server: Server;
  let baseUrl: string;

  const eventsOf = async (clientAppId: string) =>
    (await db.clientEvent.findMany({ where: { clientAppId }, orderBy: { seq: 'asc' } })).map(
      (e) => ({ type: e.type, data: JSON.parse(e.data) as Record<string, unknown> }),
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledgergraph-routing-'));
    const url = `file:${join(dir, 'consent.db')}`;
    await migrateConsentDb(url);
    db = openConsentDb(url);
    for (const id of ['pfm', 'other']) {
      await db.clientApp.create({
        data: {
          id,
          name: id,
          secretHash: 'x',
          allowedPermissions: '',
          platformScopes: '',
          redirectUris: '[]',
        },
      });
    }
    await db.psu.create({
      data: { id: 'psu_a', username: 'a', displayName: 'A', passwordHash: 'x', country: 'GB' },
    });
    const consent = (id: string, clientAppId: string, accounts: string[], permissions: string) =>
      db.consent.create({
        data: {
          id,
          clientAppId,
          psuId: 'psu_a',
          status: 'Authorised',
          permissions,
          selectedAccountIds: JSON.stringify(accounts),
        },
      });
    await consent('cns_pfm', 'pfm', ['acc_1'], 'ReadBalances ReadTransactionsBasic');
    await consent('cns_other', 'other', ['acc_2'], 'ReadBalances');
    router = new EventRouter(db, systemClock);
    const transport = new InProcessTransport();
    await transport.consume('client-events', async (e) => void (await router.ingest(e)));
    const route = eventsIngestRoute(transport, secret);
    server = createServer((req, res) => void route(req, res, new URL(req.url!, 'http://x')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  const event = (row: ReturnType<typeof outboxEvents.transactionsUpdated>, source = 'accounts') =>
    eventOf({ ...row }, source as 'accounts');

  it('TRANSACTIONS_UPDATED goes to consents that selected the account and read transactions', async () => {
    for (const accountId of ['acc_1', 'acc_2']) {
      await router.ingest(
        event(
          outboxEvents.transactionsUpdated(
            { accountId, psuId: 'psu_a', added: 1, modified: 0, removed: 0 },
            now,
          ),
        ),
      );
    }
    expect(await eventsOf('pfm')).toEqual([
      {
        type: 'TRANSACTIONS_UPDATED',
        data: { consentId: 'cns_pfm', accountId: 'acc_1', added: 1, modified: 0, removed: 0 },
      },
    ]);
    // cns_other selected acc_2 but may not read transactions.
    expect(await eventsOf('other')).toEqual([]);
  });

  it('CONNECTION_REAUTHORISATION_REQUIRED names to each client only its own accounts', async () => {
    await router.ingest(
      event(
        outboxEvents.connectionReauthorisationRequired(
          { connectionId: 'con_1', psuId: 'psu_a', bankId: 'bank', accountIds: ['acc_1', 'acc_2'] },
          now,
        ),
      ),
    );
    const reauth = (e: { type: string }) => e.type === 'CONNECTION_REAUTHORISATION_REQUIRED';
    expect((await eventsOf('pfm')).filter(reauth)[0]!.data).toEqual({
      consentId: 'cns_pfm',
      bankId: 'bank',
      accountIds: ['acc_1'],
    });
    expect((await eventsOf('other')).filter(reauth)[0]!.data).toEqual({
      consentId: 'cns_other',
      bankId: 'bank',
      accountIds: ['acc_2'],
    });
  });

  it('posted without the service signature, a batch is refused', async () => {
    const res = await fetch(`${baseUrl}${eventsRoute.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events: [] }),
    });
    expect(res.status).toBe(401);
  });

  it('PAYMENT_STATUS_CHANGED posted by another process reaches only its client, once', async () => {
    const payment = eventOf(
      outboxEvents.paymentStatusChanged(
        {
          paymentId: 'pay_1',
          paymentConsentId: 'pcn_1',
          consentId: 'cns_other',
          clientId: 'other',
          status: 'AcceptedSettlementCompleted',
          previousStatus: 'Pending',
        },
        now,
      ),
      'payments',
    );
    const transport = new HttpEventTransport({ baseUrl, secret });
    // At least once: the same event posted twice is stored once.
    await transport.publish([payment]);
    await transport.publish([payment]);
    const paid = (await eventsOf('other')).filter((e) => e.type === 'PAYMENT_STATUS_CHANGED');
    expect(paid).toEqual([
      {
        type: 'PAYMENT_STATUS_CHANGED',
        data: {
          paymentId: 'pay_1',
          paymentConsentId: 'pcn_1',
          consentId: 'cns_other',
          status: 'AcceptedSettlementCompleted',
        },
      },
    ]);
    expect((await eventsOf('pfm')).filter((e) => e.type === 'PAYMENT_STATUS_CHANGED')).toEqual([]);
  });
});
