import type { BankDefinition } from '../../shared/banks.ts';
import { systemClock } from '../../shared/clock.ts';
import type { Config } from '../../shared/config/index.ts';
import { startServiceRelay } from '../../shared/events/service-relay.ts';
import { natsTransportOf } from '../../shared/events/nats/from-config.ts';
import type { EventTransport } from '../../shared/events/types.ts';
import { setupTracing } from '../../shared/tracing/index.ts';
import { AccountsClient } from '../../shared/internal-api/accounts.ts';
import { serviceBaseUrl } from '../../shared/internal-api/call.ts';
import { bankDirectoryOf } from '../../shared/service/banks.ts';
import {
  internalSecretOf,
  openServiceAudit,
  serveService,
  serviceLog,
  type ServiceDeps,
} from '../../shared/service/index.ts';
import { migratePaymentsDb, openPaymentsDb } from './db/client.ts';
import { paymentCallbackPath } from './http/bank-callback.ts';
import { createPaymentsSubgraph } from './index.ts';

export interface PaymentsServiceDeps extends ServiceDeps {
  /** The bank directory; default: the configured banks and the banks service's sandbox. */
  banks?: readonly BankDefinition[];
  /** Where this service's outbox goes (NATS, or one shared in process); default: consent. */
  events?: EventTransport;
  /** Where the accounts service listens; default: ACCOUNTS_URL without `/graphql`. */
  accountsUrl?: string;
}

/** The payments service: its own store, keys and migrations, bank connectors, the subgraph. */
export async function startPaymentsService(config: Config, deps: PaymentsServiceDeps = {}) {
  const log = serviceLog(config, 'payments', deps);
  const stopTracing = await setupTracing({
    serviceName: 'payments',
    endpoint: config.tracing.endpoint,
  });
  await migratePaymentsDb(config.databases.payments);
  const db = openPaymentsDb(config.databases.payments);
  const audit = deps.audit ?? (await openServiceAudit(config, log));
  const internalSecret = internalSecretOf(config);
  const payments = await createPaymentsSubgraph({
    db,
    banks: deps.banks ?? bankDirectoryOf(config),
    settings: config.payments,
    clock: deps.clock ?? systemClock,
    log,
    internalSecret,
    maxBodyBytes: config.maxBodyBytes,
    audit: audit.recorder,
    shield: deps.shield,
    // A debtor identification is checked against the consent's accounts there.
    accounts: new AccountsClient({
      baseUrl: deps.accountsUrl ?? serviceBaseUrl(config.subgraphUrls.accounts),
      secret: internalSecret,
    }),
    returnOrigins: config.accounts.returnOrigins,
  });
  const listening = await serveService(
    config,
    config.subgraphPorts.payments,
    payments.routes,
    log,
    { 'db:payments': async () => void (await db.$queryRaw`SELECT 1`) },
  );
  payments.services.payments.bankAuthorisation.setCallbackUrl(
    config.payments.bankCallbackUrl ?? `${listening.url}${paymentCallbackPath}`,
  );
  // Events written with each change leave the store from here, at least once: to NATS
  // when configured, else to the consent service.
  const nats = deps.events ? undefined : await natsTransportOf(config, 'payments', log);
  const relay = startServiceRelay(config, 'payments', db.outboxEvent, {
    transport: deps.events ?? nats,
    internalSecret: internalSecretOf(config),
    clock: deps.clock ?? systemClock,
    log,
  });
  return {
    name: 'payments' as const,
    url: listening.url,
    sdl: payments.sdl,
    services: payments.services,
    db,
    relay,
    async stop() {
      await relay.stop();
      await nats?.close();
      await listening.close();
      await stopTracing();
      await payments.server.stop();
      await db.$disconnect();
      if (!deps.audit) await audit.store.close();
    },
  };
}
export type PaymentsServiceHandle = Awaited<ReturnType<typeof startPaymentsService>>;
