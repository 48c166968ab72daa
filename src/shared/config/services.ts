import { ConfigError, envSchema, loadConfig, type Config, type EnvName } from './index.ts';

/** The processes Ledgergraph runs as: `serve <service>` starts one. */
export const serviceNames = ['gateway', 'consent', 'accounts', 'payments', 'banks'] as const;
export type ServiceName = (typeof serviceNames)[number];

const common = ['HOST', 'DATA_DIR', 'LOG_LEVEL', 'OTEL_EXPORTER_OTLP_ENDPOINT'] as const;
/** Each subgraph verifies the gateway's signed context and records every call. */
const subgraph = [
  ...common,
  'INTERNAL_CONTEXT_SECRET',
  'MAX_BODY_BYTES',
  'AUDIT_DATABASE_URL',
  'AUDIT_ENABLED',
  'SEED_DEMO_DATA',
] as const;
/** The services that publish events, and the dispatcher's host (consent). */
const nats = ['NATS_URL', 'NATS_PREFIX'] as const;
/** Where accounts and payments find the banks: configured ones and the sandbox service's. */
const bankDirectory = ['BANKS', 'SANDBOX_BANKS', 'SANDBOX_BANK_BASE_PORT'] as const;

/** Every subgraph relays its outbox and prunes what it published. */
const events = ['EVENT_POLL_INTERVAL_MS', 'EVENT_RETENTION_DAYS'] as const;

/**
 * The variables each service reads. A process validates only its own, so a payments
 * replica neither needs nor sees the accounts key. A test checks that every variable in
 * the schema belongs to at least one service, and docs/DEPLOYMENT.md is checked against it.
 */
export const serviceVariables: Record<ServiceName, readonly string[]> = {
  gateway: [
    ...common,
    'PORT',
    'PUBLIC_URL',
    // The subgraphs' addresses (their ports give the local default).
    'CONSENT_URL',
    'ACCOUNTS_URL',
    'PAYMENTS_URL',
    'CONSENT_PORT',
    'ACCOUNTS_PORT',
    'PAYMENTS_PORT',
    'TOKEN_ISSUER',
    'TOKEN_AUDIENCE',
    'TRUSTED_ISSUERS',
    'INTERNAL_CONTEXT_SECRET',
    'MAX_BODY_BYTES',
    'MAX_QUERY_DEPTH',
    'MAX_QUERY_ALIASES',
    'MAX_QUERY_COST',
    'QUERY_COST_DEFAULT_LIST_SIZE',
    'MAX_QUERY_TOKENS',
    'MAX_INPUT_DEPTH',
    'ALLOW_INTROSPECTION',
    'RATE_LIMIT_PER_SECOND',
    'RATE_LIMIT_BURST',
    'MAX_CONCURRENT_REQUESTS',
    'PLAYGROUND',
    'PLAYGROUND_SANDBOX_TOKEN',
    'SEED_DEMO_DATA',
    'REDIS_URL',
    'REDIS_KEY_PREFIX',
  ],
  consent: [
    ...subgraph,
    'CONSENT_PORT',
    'CONSENT_DATABASE_URL',
    ...nats,
    'CONSENT_EXPIRY_NOTICE_DAYS',
    // Authorisation asks the accounts service whose the chosen accounts are.
    'ACCOUNTS_URL',
    'ACCOUNTS_PORT',
    // The token issuer defaults to the gateway's public address.
    'PORT',
    'PUBLIC_URL',
    'TOKEN_ISSUER',
    'TOKEN_AUDIENCE',
    'ACCESS_TOKEN_TTL_SECONDS',
    'SIGNING_ALG',
    'KEY_ROTATION_LEAD_SECONDS',
    // The compliance read side owns the audit log's retention.
    'AUDIT_RETENTION_DAYS',
    'AUDIT_PRUNE_INTERVAL_HOURS',
    // Throttling of PSU passwords and client secrets at the token endpoint.
    'SIGNIN_MAX_FAILURES',
    'SIGNIN_LOCKOUT_SECONDS',
    'SIGNIN_MAX_FAILURES_PER_ADDRESS',
    'SIGNIN_MAX_FAILURES_PER_IDENTITY',
    // Seals PSUs' TOTP secrets (the sign-in page's second factor).
    'CONSENT_ENCRYPTION_KEY',
    'CONSENT_ENCRYPTION_PREVIOUS_KEYS',
    'REDIS_URL',
    'REDIS_KEY_PREFIX',
    // Routing, replay and webhook delivery of every service's events.
    ...events,
    'WEBHOOK_TIMEOUT_MS',
    'WEBHOOK_RETRY_BASE_MS',
    'WEBHOOK_RETRY_MAX_DELAY_MS',
    'WEBHOOK_RETRY_HOURS',
    'WEBHOOK_SANDBOX_MODE',
  ],
  accounts: [
    ...subgraph,
    ...bankDirectory,
    'ACCOUNTS_PORT',
    'ACCOUNTS_DATABASE_URL',
    'CONNECTION_ENCRYPTION_KEY',
    'CONNECTION_ENCRYPTION_PREVIOUS_KEYS',
    'BANK_DATA_FRESHNESS_SECONDS',
    'BANK_UNATTENDED_READS_PER_DAY',
    'BANK_TIMEOUT_MS',
    'BACKGROUND_SYNC_PER_DAY',
    // The bank consents' expiry notice uses the client consents' period.
    'CONSENT_EXPIRY_NOTICE_DAYS',
    ...nats,
    // Where a PSU comes back from their bank, and where they may go on to.
    'BANK_CALLBACK_URL',
    'CONNECTION_RETURN_ORIGINS',
    'PORT',
    'PUBLIC_URL',
    'CONSENT_URL',
    'CONSENT_PORT',
    ...events,
  ],
  payments: [
    ...subgraph,
    ...bankDirectory,
    'PAYMENTS_PORT',
    'PAYMENTS_DATABASE_URL',
    // Where a PSU comes back from approving a payment at their bank.
    'PAYMENTS_CALLBACK_URL',
    ...nats,
    // A debtor identification is checked against the consent's accounts there.
    'ACCOUNTS_URL',
    'ACCOUNTS_PORT',
    'PAYMENTS_ENCRYPTION_KEY',
    'PAYMENTS_ENCRYPTION_PREVIOUS_KEYS',
    'PAYMENTS_SCA_THRESHOLD',
    'PAYMENTS_SCA_ACR_VALUES',
    'PAYMENTS_SCA_CODE_TTL_SECONDS',
    'PAYMENTS_SCA_MAX_ATTEMPTS',
    'PAYMENTS_MAX_AMOUNT_PER_CONSENT',
    'PAYMENTS_VELOCITY_WINDOW_SECONDS',
    'PAYMENTS_VELOCITY_MAX_COUNT',
    'PAYMENTS_VELOCITY_MAX_SUM',
    'PAYMENTS_ANOMALY_AMOUNT_FACTOR',
    'PAYMENTS_ANOMALY_MIN_HISTORY',
    'PAYMENTS_ANOMALY_BURST_COUNT',
    'PAYMENTS_ANOMALY_BURST_WINDOW_SECONDS',
    'PAYMENTS_ANOMALY_NEW_CREDITOR_AMOUNT',
    'PAYMENTS_STATUS_FRESHNESS_SECONDS',
    'PAYMENTS_BANK_TIMEOUT_MS',
    'PAYMENTS_TPP_IP_ADDRESS',
    // Where a PSU may go after authorising a payment at their bank (as for connections).
    'CONNECTION_RETURN_ORIGINS',
    'PUBLIC_URL',
    'CONSENT_URL',
    'CONSENT_PORT',
    ...events,
  ],
  banks: [
    ...common,
    'SANDBOX_BANK_BASE_PORT',
    'SANDBOX_SEED',
    'SANDBOX_TRANSACTIONS_PER_ACCOUNT',
    'SANDBOX_ACCOUNTS_PER_PSU',
  ],
};

/**
 * The configuration of one service: only its variables are read and validated (every
 * problem listed at once); everything else keeps its embedded default, unused.
 */
export function loadServiceConfig(
  service: ServiceName,
  env: Record<string, string | undefined> = process.env,
): Config {
  const own = new Set(serviceVariables[service]);
  const config = loadConfig(Object.fromEntries(Object.entries(env).filter(([k]) => own.has(k))));
  if (service !== 'banks' && config.sandbox.enabled && config.sandbox.basePort === 0) {
    // Apart from the banks service, a random port cannot be found again.
    throw new ConfigError([
      'SANDBOX_BANK_BASE_PORT: must be a fixed port when services run as separate processes',
    ]);
  }
  return config;
}

/** Variables in the schema that no service reads: a mistake this module's test catches. */
export function unreadVariables(): EnvName[] {
  const read = new Set(Object.values(serviceVariables).flat());
  return (Object.keys(envSchema.shape) as EnvName[]).filter((name) => !read.has(name));
}
