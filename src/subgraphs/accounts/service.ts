import type { BankDefinition } from '../../shared/banks.ts';
import { systemClock } from '../../shared/clock.ts';
import type { Config } from '../../shared/config/index.ts';
import { startServiceRelay } from '../../shared/events/service-relay.ts';
import { natsTransportOf } from '../../shared/events/nats/from-config.ts';
import type { EventTransport } from '../../shared/events/types.ts';
import { setupTracing } from '../../shared/tracing/index.ts';
import { connectionKeyFromFile } from './crypto/key-file.ts';
import { bankDirectoryOf } from '../../shared/service/banks.ts';
import {
  internalSecretOf,
  openServiceAudit,
  serveService,
  serviceLog,
  type ServiceDeps,
} from '../../shared/service/index.ts';
import { migrateAccountsDb, openAccountsDb } from './db/client.ts';
import { seedAccountsDb } from './db/seed.ts';
import { bankCallbackPath } from './http/bank-callback.ts';
import { createAccountsSubgraph } from './index.ts';
import { BackgroundSync } from './services/background-sync.ts';
import { ConnectionExpiryNotices } from './services/connection-expiry.ts';

export interface AccountsServiceDeps extends ServiceDeps {
  /** The bank directory; default: the configured banks and the banks service's sandbox. */
  banks?: readonly BankDefinition[];
  /** Where this service's outbox goes (NATS, or one shared in process); default: consent. */
  events?: EventTransport;
}

/**
 * The accounts service: its own store and migrations, bank connectors, the subgraph and the
 * bank callback. With demo data on, it connects the demo PSUs to the sandbox banks through
 * the banks' own login pages, so the banks service must be up first.
 */
export async function startAccountsService(config: Config, deps: AccountsServiceDeps = {}) {
  const log = serviceLog(config, 'accounts', deps);
  const stopTracing = await setupTracing({
    serviceName: 'accounts',
    endpoint: config.tracing.endpoint,
  });
  const clock = deps.clock ?? systemClock;
  const banks = deps.banks ?? bankDirectoryOf(config);
  await migrateAccountsDb(config.databases.accounts);
  const db = openAccountsDb(config.databases.accounts);
  const audit = deps.audit ?? (await openServiceAudit(config, log));
  const accounts = await createAccountsSubgraph({
    db,
    banks,
    clock,
    internalSecret: internalSecretOf(config),
    maxBodyBytes: config.maxBodyBytes,
    audit: audit.recorder,
    encryption: {
      key: config.accounts.encryptionKey ?? connectionKeyFromFile(config.dataDir),
      previousKeys: config.accounts.previousEncryptionKeys,
    },
    bankData: config.accounts,
    link: { returnOrigins: config.accounts.returnOrigins },
    shield: deps.shield,
    log,
  });
  const listening = await serveService(
    config,
    config.subgraphPorts.accounts,
    accounts.routes,
    log,
    { 'db:accounts': async () => void (await db.$queryRaw`SELECT 1`) },
  );
  // Events written with each change leave the store from here, at least once: to NATS
  // when configured, else to the consent service.
  const nats = deps.events ? undefined : await natsTransportOf(config, 'accounts', log);
  const relay = startServiceRelay(config, 'accounts', db.outboxEvent, {
    transport: deps.events ?? nats,
    internalSecret: internalSecretOf(config),
    clock: deps.clock ?? systemClock,
    log,
  });
  accounts.services.link?.setCallbackUrl(
    config.accounts.bankCallbackUrl ?? `${listening.url}${bankCallbackPath}`,
  );
  // After listening: the demo PSUs log in at the sandbox banks and come back to our callback.
  if (config.seedDemoData) await seedAccountsDb(accounts.services, db);
  // Started once serving: the syncs it triggers write TRANSACTIONS_UPDATED like any other.
  const backgroundSync = new BackgroundSync({
    db,
    bankData: accounts.services.bankData,
    clock,
    perDay: config.accounts.backgroundSyncPerDay,
    log,
  }).start();
  const expiryNotices = new ConnectionExpiryNotices({
    db,
    clock,
    noticeDays: config.consentExpiryNoticeDays,
    log,
  }).start();
  return {
    name: 'accounts' as const,
    url: listening.url,
    sdl: accounts.sdl,
    services: accounts.services,
    db,
    relay,
    async stop() {
      await relay.stop();
      await nats?.close();
      await backgroundSync.stop();
      await expiryNotices.stop();
      await listening.close();
      await stopTracing();
      await accounts.server.stop();
      await db.$disconnect();
      if (!deps.audit) await audit.store.close();
    },
  };
}
export type AccountsServiceHandle = Awaited<ReturnType<typeof startAccountsService>>;
