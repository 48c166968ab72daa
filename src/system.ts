import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeSupergraph } from './gateway/compose.ts';
import { createGateway } from './gateway/index.ts';
import {
  AuditStore,
  createAuditRecorder,
  migrateAuditDb,
  scheduleRetention,
} from './shared/audit/index.ts';
import { remoteIssuer } from './shared/auth/verify.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import type { BankDefinition } from './shared/banks.ts';
import type { Config } from './shared/config/index.ts';
import { startEmbeddedSandbox } from './sandbox/embedded.ts';
import { createLogger } from './shared/log/index.ts';
import { createRouter, listen, type Listening, type Route } from './shared/http/server.ts';
import { createAccountsSubgraph } from './subgraphs/accounts/index.ts';
import { migrateAccountsDb, openAccountsDb } from './subgraphs/accounts/db/client.ts';
import { seedAccountsDb } from './subgraphs/accounts/db/seed.ts';
import { connectionKeyFromFile } from './subgraphs/accounts/crypto/key-file.ts';
import { createConsentSubgraph } from './subgraphs/consent/index.ts';
import { migrateConsentDb, openConsentDb } from './subgraphs/consent/db/client.ts';
import { demoClientApps, demoPsus, seedConsentDb } from './subgraphs/consent/db/seed.ts';
import { createPaymentsSubgraph } from './subgraphs/payments/index.ts';
import { migratePaymentsDb, openPaymentsDb } from './subgraphs/payments/db/client.ts';

/**
 * The embedded default: every service in one process, each on its own port and talking to
 * the others over HTTP exactly as separate processes would.
 */
export async function startSystem(config: Config, clock: Clock = systemClock) {
  const internalSecret = config.internalContextSecret ?? devSecret(config.dataDir);
  const log = createLogger(config.logLevel);
  const sandbox = config.sandbox.enabled
    ? await startEmbeddedSandbox({
        host: config.host,
        basePort: config.sandbox.basePort,
        seed: config.sandbox.seed,
        transactionsPerAccount: config.sandbox.transactionsPerAccount,
        accountsPerPsu: config.sandbox.accountsPerPsu,
      })
    : undefined;
  const banks: BankDefinition[] = [...(sandbox?.banks ?? []), ...config.banks];
  await migrateAll(config);
  const consentDb = openConsentDb(config.databases.consent);
  const accountsDb = openAccountsDb(config.databases.accounts);
  const paymentsDb = openPaymentsDb(config.databases.payments);
  // Opened even with recording off: the compliance read side searches it.
  const auditLog = (msg: string, error: unknown) => log.error(msg, { service: 'audit', error });
  const auditStore = AuditStore.open(config.audit.databaseUrl, { log: auditLog });
  const audit = config.audit.enabled
    ? createAuditRecorder({ sink: auditStore, log: auditLog })
    : undefined;
  if (!audit) log.warn('AUDIT_ENABLED=false: resolver calls are NOT recorded (benchmarks only)');
  if (config.seedDemoData) {
    await seedConsentDb(consentDb);
  }

  const common = { internalSecret, maxBodyBytes: config.maxBodyBytes, audit };
  const consent = await createConsentSubgraph({
    ...common,
    db: consentDb,
    auditStore,
    clock,
    tokens: config.tokens,
  });
  const accounts = await createAccountsSubgraph({
    ...common,
    db: accountsDb,
    banks,
    clock,
    encryption: {
      key: config.accounts.encryptionKey ?? connectionKeyFromFile(config.dataDir),
      previousKeys: config.accounts.previousEncryptionKeys,
    },
    bankData: config.accounts,
  });
  if (config.seedDemoData) {
    // Real connections to the sandbox banks, through the same flow a PSU goes through.
    await seedAccountsDb(accounts.services);
  }
  const payments = await createPaymentsSubgraph({
    ...common,
    db: paymentsDb,
    banks,
    settings: config.payments,
    clock,
    log: log.child({ service: 'payments' }),
  });

  const listening: Listening[] = [];
  const serve = async (routes: Record<string, Route>, port: number) => {
    const l = await listen(
      createRouter(routes, (e) => log.error('unhandled error', { error: e })),
      port,
      config.host,
    );
    listening.push(l);
    return l.url;
  };
  const consentUrl = await serve(consent.routes, config.subgraphPorts.consent);
  const accountsUrl = await serve(accounts.routes, config.subgraphPorts.accounts);
  const paymentsUrl = await serve(payments.routes, config.subgraphPorts.payments);

  const supergraphSdl = composeSupergraph([
    { name: 'consent', url: `${consentUrl}/graphql`, sdl: consent.sdl },
    { name: 'accounts', url: `${accountsUrl}/graphql`, sdl: accounts.sdl },
    { name: 'payments', url: `${paymentsUrl}/graphql`, sdl: payments.sdl },
  ]);
  const gateway = await createGateway({
    supergraphSdl,
    internalSecret,
    audience: config.tokens.audience,
    issuers: [
      remoteIssuer(config.tokens.issuer, `${consentUrl}/jwks`),
      ...config.tokens.trustedIssuers.map((t) => remoteIssuer(t.issuer, t.jwksUrl)),
    ],
    consentServiceUrl: consentUrl,
    maxBodyBytes: config.maxBodyBytes,
    settings: config.gateway,
    readinessChecks: {
      'db:consent': async () => void (await consentDb.$queryRaw`SELECT 1`),
      'db:accounts': async () => void (await accountsDb.$queryRaw`SELECT 1`),
      'db:payments': async () => void (await paymentsDb.$queryRaw`SELECT 1`),
    },
    sandboxCredentials: config.seedDemoData ? sandboxCredentials() : undefined,
    log: log.child({ service: 'gateway' }),
  });
  const gatewayUrl = await serve(gateway.routes, config.port);
  const retention = config.audit.pruneIntervalMs
    ? scheduleRetention(auditStore, {
        retentionDays: config.audit.retentionDays,
        archiveDir: join(config.dataDir, 'audit-archive'),
        clock,
        intervalMs: config.audit.pruneIntervalMs,
        log: log.child({ service: 'audit' }),
      })
    : undefined;

  return {
    gatewayUrl,
    banks,
    sandbox,
    subgraphUrls: { consent: consentUrl, accounts: accountsUrl, payments: paymentsUrl },
    supergraphSdl,
    sdl: { consent: consent.sdl, accounts: accounts.sdl, payments: payments.sdl },
    services: { ...consent.services, ...accounts.services, ...payments.services },
    db: { consent: consentDb, accounts: accountsDb, payments: paymentsDb },
    audit: auditStore,
    retention,
    async stop() {
      await Promise.all(listening.map((l) => l.close()));
      await retention?.stop();
      await Promise.all([
        gateway.stop(),
        consent.server.stop(),
        accounts.server.stop(),
        payments.server.stop(),
      ]);
      await Promise.all([
        consentDb.$disconnect(),
        accountsDb.$disconnect(),
        paymentsDb.$disconnect(),
        auditStore.close(),
      ]);
      await sandbox?.close();
    },
  };
}
export type RunningSystem = Awaited<ReturnType<typeof startSystem>>;

export async function migrateAll(config: Config): Promise<Record<string, string[]>> {
  return {
    consent: await migrateConsentDb(config.databases.consent),
    accounts: await migrateAccountsDb(config.databases.accounts),
    payments: await migratePaymentsDb(config.databases.payments),
    audit: await migrateAuditDb(config.audit.databaseUrl),
  };
}

/** A per-installation secret for the embedded default, so restarts keep working together. */
function devSecret(dataDir: string): string {
  const file = join(dataDir, 'internal-context.secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

/** The published demo parties the playground's sandbox token runs the consent flow with. */
function sandboxCredentials() {
  const app = (id: string) => {
    const c = demoClientApps.find((a) => a.id === id)!;
    return { id: c.id, secret: c.secret };
  };
  const alice = demoPsus.find((p) => p.username === 'alice')!;
  return {
    client: app('demo-pfm'),
    consentUi: app('ledgergraph-consent-ui'),
    psu: { username: alice.username, password: alice.password },
    permissions: ['ReadAccountsDetail', 'ReadBalances', 'ReadPayments'],
  };
}
