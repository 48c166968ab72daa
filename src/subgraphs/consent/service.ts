import { join } from 'node:path';
import { scheduleRetention } from '../../shared/audit/index.ts';
import { systemClock } from '../../shared/clock.ts';
import type { Config } from '../../shared/config/index.ts';
import { setupTracing } from '../../shared/tracing/index.ts';
import { createSignalPublisher } from '../../shared/signals/index.ts';
import { AccountsClient } from '../../shared/internal-api/accounts.ts';
import { serviceBaseUrl } from '../../shared/internal-api/call.ts';
import {
  internalSecretOf,
  openServiceAudit,
  serveService,
  serviceLog,
  type ServiceDeps,
} from '../../shared/service/index.ts';
import { migrateConsentDb, openConsentDb } from './db/client.ts';
import { seedConsentDb } from './db/seed.ts';
import { createConsentSubgraph } from './index.ts';
import { closeRedis, redisConnection } from '../../shared/signals/redis.ts';
import { credentialThrottles } from './http/credential-guard.ts';
import type { EventTransport } from '../../shared/events/types.ts';
import { InProcessTransport } from '../../shared/events/in-process.ts';
import { natsTransportOf } from '../../shared/events/nats/from-config.ts';
import { ExpiryNotices } from './services/expiry-notices.ts';
import { SecretBox } from '../../shared/crypto/secret-box.ts';
import { keyFromFile } from '../../shared/crypto/key-file.ts';

export interface ConsentServiceDeps extends ServiceDeps {
  /** Where the accounts service listens; default: ACCOUNTS_URL without `/graphql`. */
  accountsUrl?: string;
  /** Where every service's events arrive (NATS, or one shared in process); default: its own. */
  events?: EventTransport;
}

/**
 * The consent service: its own store and migrations, the subgraph, the token endpoint and
 * JWKS, and the audit log's retention (the compliance side owns the log). `serve consent`
 * runs it alone; the embedded default runs it beside the others.
 */
export async function startConsentService(config: Config, deps: ConsentServiceDeps = {}) {
  const log = serviceLog(config, 'consent', deps);
  const stopTracing = await setupTracing({
    serviceName: 'consent',
    endpoint: config.tracing.endpoint,
  });
  const clock = deps.clock ?? systemClock;
  await migrateConsentDb(config.databases.consent);
  const db = openConsentDb(config.databases.consent);
  const audit = deps.audit ?? (await openServiceAudit(config, log));
  // PSUs' TOTP secrets and webhook signing secrets are sealed under consent's own key (the
  // embedded default: a key file).
  const box = SecretBox.fromBase64(
    config.consent.encryptionKey ?? keyFromFile(config.consent.encryptionKeyFile),
    config.consent.previousEncryptionKeys,
  );
  if (config.seedDemoData) await seedConsentDb(db, box);
  const internalSecret = internalSecretOf(config);
  // Authorisation asks the accounts service whose the chosen accounts are.
  const accountsUrl = deps.accountsUrl ?? serviceBaseUrl(config.subgraphUrls.accounts);
  const accounts = new AccountsClient({
    baseUrl: accountsUrl,
    secret: internalSecret,
  });
  // With replicas: every gateway hears of revocations and key rotations at once.
  const signals = config.redis.url
    ? createSignalPublisher(config.redis.url, { prefix: config.redis.keyPrefix, log })
    : undefined;
  // Replicas share sign-in counters and lockouts: spreading guesses over them gains nothing.
  const signinRedis = config.redis.url
    ? redisConnection(config.redis.url, 'ledgergraph-consent-signin', log, {
        enableOfflineQueue: false,
        commandTimeout: 500,
        maxRetriesPerRequest: 0,
      })
    : undefined;
  // Every service's events arrive here: from NATS when configured, else in process.
  const nats = deps.events ? undefined : await natsTransportOf(config, 'consent', log);
  const consent = await createConsentSubgraph({
    db,
    signals,
    clock,
    internalSecret,
    maxBodyBytes: config.maxBodyBytes,
    audit: audit.recorder,
    auditStore: audit.store,
    accounts,
    tokens: config.tokens,
    events: { transport: deps.events ?? nats ?? new InProcessTransport(), config: config.events },
    box,
    authorization: { accountsGraphqlUrl: `${accountsUrl}/graphql` },
    // The configured throttles, audited lockouts and the address the gateway forwards.
    tokenEndpoint: {
      throttles: credentialThrottles(
        config.signin,
        signinRedis && { redis: signinRedis, keyPrefix: config.redis.keyPrefix },
      ),
      internalSecret,
      audit: config.audit.enabled ? audit.store : undefined,
      log,
      clock,
    },
    shield: deps.shield,
    log,
  });
  const retention = config.audit.pruneIntervalMs
    ? scheduleRetention(audit.store, {
        retentionDays: config.audit.retentionDays,
        archiveDir: join(config.dataDir, 'audit-archive'),
        clock,
        intervalMs: config.audit.pruneIntervalMs,
        log: log.child({ component: 'audit-retention' }),
      })
    : undefined;
  const listening = await serveService(config, config.subgraphPorts.consent, consent.routes, log, {
    'db:consent': async () => void (await db.$queryRaw`SELECT 1`),
  });
  // Events flow once the routes that receive them listen.
  await consent.services.events.start();
  const expiryNotices = new ExpiryNotices({
    outbox: consent.services.events.expiry,
    clock,
    noticeDays: config.consentExpiryNoticeDays,
    log,
  }).start();
  return {
    name: 'consent' as const,
    url: listening.url,
    sdl: consent.sdl,
    services: consent.services,
    db,
    audit: audit.store,
    retention,
    events: consent.services.events,
    async stop() {
      await expiryNotices.stop();
      await consent.services.events.stop();
      await nats?.close();
      await listening.close();
      await stopTracing();
      await retention?.stop();
      await consent.server.stop();
      await signals?.close();
      if (signinRedis) await closeRedis(signinRedis);
      await db.$disconnect();
      if (!deps.audit) await audit.store.close();
    },
  };
}
export type ConsentServiceHandle = Awaited<ReturnType<typeof startConsentService>>;
