import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { BankDefinition } from '../banks.ts';
import { isKnownCountry, largest } from '../jurisdiction/index.ts';
import { allPermissions, allPlatformScopes } from '../auth/permissions.ts';
import { isLoopbackHost } from './hosts.ts';

/**
 * The only place that reads the environment. Every variable has an embedded default so
 * `npm start` needs no setup; `.env.example` lists them all. Problems are collected and
 * reported together at start.
 */
const bool = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback)
    .transform((v) => v === 'true' || v === '1');
const port = z.coerce.number().int().min(0).max(65535);
const databaseUrl = z
  .string()
  .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with file: (SQLite) or postgresql://');

const bankDefinition = z.object({
  id: z.string().min(1).max(40),
  name: z.string().min(1),
  standard: z.enum(['obie', 'berlin-group']),
  obieVersion: z.enum(['3.1.11', '4.0']).optional(),
  baseUrl: z.string().url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  sandbox: z.boolean().default(false),
  // Required, never defaulted: the bank's country decides which jurisdiction's rules apply.
  country: z
    .string()
    .refine(isKnownCountry, 'must be GB or an EEA country code (ISO 3166-1 alpha-2)'),
});

const knownScopes: readonly string[] = [...allPlatformScopes, ...allPermissions];
/** Each external issuer's trust is explicit (docs/DECISIONS.md, external token issuers). */
const trustedIssuer = z.strictObject({
  issuer: z.string().url(),
  jwksUrl: z.string().url(),
  clients: z
    .record(z.string().min(1), z.string().min(1), {
      error: (i) =>
        i.input === undefined
          ? "required: map the issuer's client_id values to our registered client app ids, " +
            '{"its-client-id": "our-client-app-id"}; without it its tokens would grant nothing'
          : 'must map client_id strings to registered client app ids',
    })
    .refine(
      (c) => Object.keys(c).length > 0,
      "maps no client_id, so the issuer's tokens would grant nothing: map one or remove the entry",
    ),
  maxScopes: z.array(
    z
      .string()
      .refine((s) => knownScopes.includes(s), { error: (i) => `unknown scope ${String(i.input)}` }),
    {
      error: (i) =>
        i.input === undefined
          ? 'required: the most scopes its tokens may carry here, e.g. ["consents:manage"] ([] for none)'
          : 'must be an array of scopes',
    },
  ),
  consentBound: z.boolean().default(false),
  psus: z.boolean().default(false),
  algorithms: z
    .array(z.enum(['PS256', 'ES256', 'EdDSA', 'RS256']))
    .min(1)
    .default(['PS256', 'ES256', 'EdDSA']),
});
const trustedIssuers = z
  .string()
  .default('[]')
  .transform((s, ctx): unknown => {
    try {
      return JSON.parse(s);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message:
          'must be a JSON array of {issuer, jwksUrl, clients, maxScopes, consentBound?, psus?, algorithms?}',
      });
      return z.NEVER;
    }
  })
  .pipe(z.array(trustedIssuer));
/** A non-negative decimal amount such as "100.00"; money is never a float. */
const decimalAmount = z
  .string()
  .regex(/^\d{1,13}(\.\d{1,5})?$/, 'must be a decimal such as 100.00');

/** A 256-bit key as standard or URL-safe base64. */
const aesKey = z
  .string()
  .refine(
    (s) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(s) && Buffer.from(s, 'base64').length === 32,
    'must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)',
  );
/** Rotated-out keys, comma-separated. */
const aesKeyList = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  )
  .pipe(z.array(aesKey));

export const envSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(4000),
  PUBLIC_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('.data'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  CONSENT_DATABASE_URL: databaseUrl.optional(),
  ACCOUNTS_DATABASE_URL: databaseUrl.optional(),
  PAYMENTS_DATABASE_URL: databaseUrl.optional(),
  CONSENT_URL: z.string().url().optional(),
  ACCOUNTS_URL: z.string().url().optional(),
  PAYMENTS_URL: z.string().url().optional(),
  CONSENT_PORT: port.default(4101),
  ACCOUNTS_PORT: port.default(4102),
  PAYMENTS_PORT: port.default(4103),
  TOKEN_ISSUER: z.string().url().optional(),
  TOKEN_AUDIENCE: z.string().min(1).default('ledgergraph'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  SIGNING_ALG: z.enum(['ES256', 'PS256']).default('ES256'),
  KEY_ROTATION_LEAD_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  TRUSTED_ISSUERS: trustedIssuers,
  INTERNAL_CONTEXT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SEED_DEMO_DATA: bool('true'),
  SANDBOX_BANKS: bool('true'),
  SANDBOX_BANK_BASE_PORT: port.default(4201),
  SANDBOX_SEED: z.coerce.number().int().default(20261123),
  SANDBOX_TRANSACTIONS_PER_ACCOUNT: z.coerce.number().int().min(0).max(200_000).default(1500),
  SANDBOX_ACCOUNTS_PER_PSU: z.coerce.number().int().min(1).max(20).default(2),
  CONNECTION_ENCRYPTION_KEY: aesKey.optional(),
  CONNECTION_ENCRYPTION_PREVIOUS_KEYS: aesKeyList,
  BANK_DATA_FRESHNESS_SECONDS: z.coerce.number().int().min(0).default(300),
  // Unset: each bank's jurisdiction's limit (src/shared/jurisdiction: 4 a day, RTS art.
  // 36(5)(b)); set for a higher frequency agreed with the banks, or a stricter one.
  BANK_UNATTENDED_READS_PER_DAY: z.coerce.number().int().min(1).max(1000).optional(),
  BANK_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(10_000),
  // Unattended transaction syncs per account per day, spread over it (0: off).
  BACKGROUND_SYNC_PER_DAY: z.coerce.number().int().min(0).max(1000).default(4),
  /** Origins connectBank's returnUrl may point to (comma-separated). */
  CONNECTION_RETURN_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ?.split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().url()).optional()),
  /** Where the PSU's browser reaches the accounts service's bank callback. */
  BANK_CALLBACK_URL: z.string().url().optional(),
  PAYMENTS_CALLBACK_URL: z.string().url().optional(),
  BANKS: z
    .string()
    .default('[]')
    .transform((s, ctx) => {
      let json: unknown;
      try {
        json = JSON.parse(s);
      } catch {
        json = undefined;
      }
      const parsed = z.array(bankDefinition).safeParse(json);
      if (parsed.success) return parsed.data;
      const where = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      ctx.addIssue({
        code: 'custom',
        message: `must be a JSON array of {id, name, standard, obieVersion?, baseUrl, clientId, clientSecret, country} (${where})`,
      });
      return z.NEVER;
    }),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_000_000),
  AUDIT_DATABASE_URL: databaseUrl.optional(),
  AUDIT_ENABLED: bool('true'),
  // PCI DSS 10.5.1: at least 12 months of audit history.
  AUDIT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(
      largest('auditRetentionMinDays'),
      `must be at least ${largest('auditRetentionMinDays')} (12 months)`,
    )
    .default(400),
  // How often a running system archives and prunes past retention; 0 leaves it to cron.
  AUDIT_PRUNE_INTERVAL_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 365)
    .default(24),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(1).default(12),
  MAX_QUERY_ALIASES: z.coerce.number().int().min(0).default(20),
  MAX_QUERY_COST: z.coerce.number().int().min(1).default(25_000),
  QUERY_COST_DEFAULT_LIST_SIZE: z.coerce.number().int().min(1).default(10),
  MAX_QUERY_TOKENS: z.coerce.number().int().min(100).default(10_000),
  // Nesting of input values (literals, variable definitions, variables JSON); kept well
  // below where graphql's recursive parser would overflow the stack.
  MAX_INPUT_DEPTH: z.coerce.number().int().min(1).max(100).default(10),
  ALLOW_INTROSPECTION: bool('true'),
  RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(50),
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(100),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  // Keys and channels of one installation, so several can share a Redis.
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, ".", "_" or "-" (at most 64)')
    .default('ledgergraph'),
  // Events over NATS JetStream; unset: the embedded default, no broker.
  NATS_URL: z
    .string()
    .regex(
      /^((nats|tls):\/\/[^,\s]+)(,(nats|tls):\/\/[^,\s]+)*$/,
      'nats:// or tls:// URLs, comma-separated',
    )
    .optional(),
  // Stream <prefix>-events, subjects <prefix>.events.<type>: one installation's own.
  NATS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" or "-" (at most 64)')
    .default('ledgergraph'),
  // CONSENT_EXPIRING is sent this many days before a consent lapses (0: never).
  CONSENT_EXPIRY_NOTICE_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  MAX_CONCURRENT_REQUESTS: z.coerce.number().int().min(1).default(100),
  PLAYGROUND: bool('true'),
  // Unset: on only when HOST is a loopback address (see gateway.playgroundSandboxToken).
  PLAYGROUND_SANDBOX_TOKEN: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1')),
  // Credential guessing at the token endpoint: PSU passwords and client secrets alike.
  SIGNIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(10),
  SIGNIN_LOCKOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  SIGNIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(100),
  SIGNIN_MAX_FAILURES_PER_IDENTITY: z.coerce.number().int().min(1).default(50),
  CONSENT_ENCRYPTION_KEY: aesKey.optional(),
  CONSENT_ENCRYPTION_PREVIOUS_KEYS: aesKeyList,
  PAYMENTS_ENCRYPTION_KEY: aesKey.optional(),
  PAYMENTS_ENCRYPTION_PREVIOUS_KEYS: aesKeyList,
  PAYMENTS_SCA_THRESHOLD: decimalAmount.default('100.00'),
  PAYMENTS_SCA_ACR_VALUES: z.string().default('urn:openbanking:psd2:sca'),
  PAYMENTS_SCA_CODE_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  PAYMENTS_SCA_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  PAYMENTS_MAX_AMOUNT_PER_CONSENT: decimalAmount.default('10000.00'),
  PAYMENTS_VELOCITY_WINDOW_SECONDS: z.coerce.number().int().min(60).default(86_400),
  PAYMENTS_VELOCITY_MAX_COUNT: z.coerce.number().int().min(1).default(20),
  PAYMENTS_VELOCITY_MAX_SUM: decimalAmount.default('20000.00'),
  PAYMENTS_ANOMALY_AMOUNT_FACTOR: z.coerce.number().int().min(2).default(10),
  PAYMENTS_ANOMALY_MIN_HISTORY: z.coerce.number().int().min(1).default(3),
  PAYMENTS_ANOMALY_BURST_COUNT: z.coerce.number().int().min(1).default(5),
  PAYMENTS_ANOMALY_BURST_WINDOW_SECONDS: z.coerce.number().int().min(1).default(300),
  PAYMENTS_ANOMALY_NEW_CREDITOR_AMOUNT: decimalAmount.default('1000.00'),
  PAYMENTS_STATUS_FRESHNESS_SECONDS: z.coerce.number().int().min(0).default(30),
  PAYMENTS_BANK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  PAYMENTS_TPP_IP_ADDRESS: z.union([z.ipv4(), z.ipv6()]).default('127.0.0.1'),
  // Events and webhooks (docs/ARCHITECTURE.md "Events and webhooks").
  EVENT_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(10_000),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).default(5_000),
  WEBHOOK_RETRY_MAX_DELAY_MS: z.coerce.number().int().min(10).default(3_600_000),
  // Standard Webhooks: retried for at least 24 hours before a delivery is given up.
  WEBHOOK_RETRY_HOURS: z.coerce
    .number()
    .min(24, 'must be at least 24')
    .max(24 * 30)
    .default(25),
  // Unset: on only when HOST is a loopback address (loopback and private receivers allowed).
  WEBHOOK_SANDBOX_MODE: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1')),
});

export type TrustedIssuer = z.infer<typeof trustedIssuer>;
/** The name of an environment variable Ledgergraph reads. */
export type EnvName = keyof typeof envSchema.shape;

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** OTLP/HTTP base URL spans are exported to; unset: no spans are recorded or sent. */
  tracing: { endpoint: string | undefined };
  databases: { consent: string; accounts: string; payments: string };
  subgraphPorts: { consent: number; accounts: number; payments: number };
  /** Where the gateway reaches each subgraph; defaults to the local ports. */
  subgraphUrls: { consent: string; accounts: string; payments: string };
  tokens: {
    issuer: string;
    audience: string;
    ttlSeconds: number;
    alg: 'ES256' | 'PS256';
    /** A rotated-in key is published this long before it signs (> verifiers' JWKS cooldown). */
    rotationLeadSeconds: number;
    /** External issuers, each with its client mapping, scope ceiling and algorithms. */
    trustedIssuers: TrustedIssuer[];
  };
  /** Shared by gateway and subgraphs to sign/verify the internal context; generated if unset. */
  internalContextSecret: string | undefined;
  seedDemoData: boolean;
  maxBodyBytes: number;
  /** Embedded sandbox banks started with the system (the default's only banks). */
  sandbox: {
    enabled: boolean;
    basePort: number;
    seed: number;
    transactionsPerAccount: number;
    accountsPerPsu: number;
  };
  /** Real banks, beside or instead of the sandbox ones. */
  banks: BankDefinition[];
  /** The accounts subgraph's bank data handling. */
  accounts: {
    /** Encrypts bank tokens and account identifiers at rest; generated into dataDir if unset. */
    encryptionKey: string | undefined;
    /** Keys rotated out: still decrypt, never encrypt. */
    previousEncryptionKeys: string[];
    /** Bank data younger than this is answered from the store without calling the bank. */
    freshnessSeconds: number;
    /**
     * Bank reads per account per 24 h while the PSU is not present, for every bank;
     * undefined: each bank's jurisdiction's limit (src/shared/jurisdiction).
     */
    unattendedReadsPerDay: number | undefined;
    /** Per attempt of a bank call. */
    bankTimeoutMs: number;
    /** Unattended transaction syncs per account per day, spread over it (0: off). */
    backgroundSyncPerDay: number;
    /** Origins a PSU may be sent back to after their bank (default: gateway and consent). */
    returnOrigins: string[];
    /** Our callback as the PSU's browser reaches it; default the service's own address. */
    bankCallbackUrl: string | undefined;
  };
  audit: {
    databaseUrl: string;
    /** Off only for benchmarks and debugging: nothing is recorded when false. */
    enabled: boolean;
    /** Records older than this are archived to JSONL and pruned. */
    retentionDays: number;
    /** How often the running system prunes (0: never; `audit prune` from cron instead). */
    pruneIntervalMs: number;
  };
  gateway: GatewayConfig;
  payments: PaymentsConfig;
  /**
   * Throttling of PSU passwords and client secrets at the token endpoint: growing delays
   * after a few failures, then a lockout (src/shared/throttle).
   */
  signin: {
    /** Consecutive failures of one identity from one address before a lockout. */
    maxFailures: number;
    lockoutSeconds: number;
    /** Failures per address per day, any identity. */
    maxFailuresPerAddress: number;
    /** Failures per identity per day, any address. */
    maxFailuresPerIdentity: number;
  };
  /** The consent service's own secrets at rest (PSUs' TOTP secrets). */
  consent: {
    encryptionKey: string | undefined;
    /** Keys rotated out: still open what they sealed, never seal. */
    previousEncryptionKeys: string[];
    /** Where the embedded default keeps a generated key while encryptionKey is unset. */
    encryptionKeyFile: string;
  };
  /** Outboxes, relays and webhook delivery (src/shared/events, the consent service). */
  events: EventsConfig;
  /**
   * State shared by replicas: the gateways' rate-limit budget and the consent-change signals
   * that invalidate their grant caches. Unset: each process counts alone and caches nothing.
   */
  redis: { url: string | undefined; keyPrefix: string };
  /** Events over NATS JetStream; url unset: the embedded default, no broker. */
  nats: { url: string | undefined; prefix: string };
  /** CONSENT_EXPIRING goes out this many days before a consent lapses (0: never). */
  consentExpiryNoticeDays: number;
}

/** Payment initiation rules. Amounts are decimal strings read in the payment's currency. */
export interface PaymentsConfig {
  /** Seals bank tokens and debtor identifications, and keys the one-time code MACs. */
  encryptionKey: string | undefined;
  /** Keys rotated out: still open what they sealed, never seal. */
  previousEncryptionKeys: string[];
  /** Where the embedded default keeps a generated key while encryptionKey is unset. */
  encryptionKeyFile: string;
  /** Our payment callback as the PSU's browser reaches it; default the service's own address. */
  bankCallbackUrl: string | undefined;
  sca: {
    /** Payments above this amount need strong customer authentication before submission. */
    threshold: string;
    /** Token `acr` values that prove SCA already happened (OBIE: urn:openbanking:psd2:sca). */
    acrValues: string[];
    codeTtlSeconds: number;
    maxAttempts: number;
  };
  limits: {
    maxAmountPerConsent: string;
    velocity: { windowSeconds: number; maxCount: number; maxSum: string };
  };
  anomaly: {
    /** Held when the amount exceeds this many times the PSU's median payment. */
    amountFactor: number;
    /** Payments needed before "far above the PSU's history" is judged at all. */
    minHistory: number;
    burst: { count: number; windowSeconds: number };
    /** A first payment to a creditor above this is held. */
    newCreditorAmount: string;
  };
  /** A payment's status is re-read from the bank when older than this. */
  statusFreshnessSeconds: number;
  bankTimeoutMs: number;
  /** Sent as PSU-IP-Address to Berlin Group banks when the PSU's own is not known. */
  tppIpAddress: string;
}

export interface EventsConfig {
  /** How often outboxes are relayed and due webhook deliveries looked for. */
  pollIntervalMs: number;
  /** Client events stay replayable this long; published outbox rows are pruned after it. */
  retentionDays: number;
  webhooks: {
    /** Per delivery attempt. */
    timeoutMs: number;
    /** Backoff: base × 2^(attempt-1), with full jitter, at most maxDelayMs. */
    retryBaseMs: number;
    retryMaxDelayMs: number;
    /** A delivery is retried this long before it is given up and its endpoint disabled. */
    retryWindowMs: number;
    /** Loopback/private receivers and http:// to loopback allowed (development only). */
    sandboxMode: boolean;
  };
}

/** Request limits and developer surfaces of the gateway. */
export interface GatewayConfig {
  limits: {
    maxDepth: number;
    maxAliases: number;
    /** Each field costs 1; a list multiplies its selection by `first`/`limit` or this size. */
    maxCost: number;
    defaultListSize: number;
    maxTokens: number;
    /** Brackets inside arguments and variable definitions, and nesting of variable values. */
    maxInputDepth: number;
  };
  /** Introspection for authenticated callers; off means the playground has no docs. */
  allowIntrospection: boolean;
  /** Budget per client_id: `burst` per window (docs/DECISIONS.md, rate limits). */
  rateLimit: { perSecond: number; burst: number };
  /** Requests in flight beyond this are answered 503 at once, never queued. */
  maxConcurrentRequests: number;
  playground: boolean;
  /**
   * Dev only: the playground may run the demo consent flow to hand out a sandbox token.
   * Unless set, on only when HOST is a loopback address.
   */
  playgroundSandboxToken: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  const sqlite = (name: string) => `file:${join(dataDir, `${name}.db`)}`;
  const local = (p: number) => `http://127.0.0.1:${p}/graphql`;
  return {
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    dataDir,
    logLevel: e.LOG_LEVEL,
    tracing: { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT },
    databases: {
      consent: e.CONSENT_DATABASE_URL ?? sqlite('consent'),
      accounts: e.ACCOUNTS_DATABASE_URL ?? sqlite('accounts'),
      payments: e.PAYMENTS_DATABASE_URL ?? sqlite('payments'),
    },
    subgraphPorts: {
      consent: e.CONSENT_PORT,
      accounts: e.ACCOUNTS_PORT,
      payments: e.PAYMENTS_PORT,
    },
    subgraphUrls: {
      consent: e.CONSENT_URL ?? local(e.CONSENT_PORT),
      accounts: e.ACCOUNTS_URL ?? local(e.ACCOUNTS_PORT),
      payments: e.PAYMENTS_URL ?? local(e.PAYMENTS_PORT),
    },
    tokens: {
      issuer: e.TOKEN_ISSUER ?? publicUrl,
      audience: e.TOKEN_AUDIENCE,
      ttlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      alg: e.SIGNING_ALG,
      rotationLeadSeconds: e.KEY_ROTATION_LEAD_SECONDS,
      trustedIssuers: e.TRUSTED_ISSUERS,
    },
    internalContextSecret: e.INTERNAL_CONTEXT_SECRET,
    seedDemoData: e.SEED_DEMO_DATA,
    maxBodyBytes: e.MAX_BODY_BYTES,
    sandbox: {
      enabled: e.SANDBOX_BANKS,
      basePort: e.SANDBOX_BANK_BASE_PORT,
      seed: e.SANDBOX_SEED,
      transactionsPerAccount: e.SANDBOX_TRANSACTIONS_PER_ACCOUNT,
      accountsPerPsu: e.SANDBOX_ACCOUNTS_PER_PSU,
    },
    banks: e.BANKS,
    accounts: {
      encryptionKey: e.CONNECTION_ENCRYPTION_KEY,
      previousEncryptionKeys: e.CONNECTION_ENCRYPTION_PREVIOUS_KEYS,
      freshnessSeconds: e.BANK_DATA_FRESHNESS_SECONDS,
      unattendedReadsPerDay: e.BANK_UNATTENDED_READS_PER_DAY,
      bankTimeoutMs: e.BANK_TIMEOUT_MS,
      backgroundSyncPerDay: e.BACKGROUND_SYNC_PER_DAY,
      returnOrigins: e.CONNECTION_RETURN_ORIGINS ?? [
        new URL(publicUrl).origin,
        new URL(e.CONSENT_URL ?? local(e.CONSENT_PORT)).origin,
      ],
      bankCallbackUrl: e.BANK_CALLBACK_URL,
    },
    audit: {
      databaseUrl: e.AUDIT_DATABASE_URL ?? sqlite('audit'),
      enabled: e.AUDIT_ENABLED,
      retentionDays: e.AUDIT_RETENTION_DAYS,
      pruneIntervalMs: Math.round(e.AUDIT_PRUNE_INTERVAL_HOURS * 3_600_000),
    },
    gateway: {
      limits: {
        maxDepth: e.MAX_QUERY_DEPTH,
        maxAliases: e.MAX_QUERY_ALIASES,
        maxCost: e.MAX_QUERY_COST,
        defaultListSize: e.QUERY_COST_DEFAULT_LIST_SIZE,
        maxTokens: e.MAX_QUERY_TOKENS,
        maxInputDepth: e.MAX_INPUT_DEPTH,
      },
      allowIntrospection: e.ALLOW_INTROSPECTION,
      rateLimit: { perSecond: e.RATE_LIMIT_PER_SECOND, burst: e.RATE_LIMIT_BURST },
      maxConcurrentRequests: e.MAX_CONCURRENT_REQUESTS,
      playground: e.PLAYGROUND,
      playgroundSandboxToken: e.PLAYGROUND_SANDBOX_TOKEN ?? isLoopbackHost(e.HOST),
    },
    signin: {
      maxFailures: e.SIGNIN_MAX_FAILURES,
      lockoutSeconds: e.SIGNIN_LOCKOUT_SECONDS,
      maxFailuresPerAddress: e.SIGNIN_MAX_FAILURES_PER_ADDRESS,
      maxFailuresPerIdentity: e.SIGNIN_MAX_FAILURES_PER_IDENTITY,
    },
    consent: {
      encryptionKey: e.CONSENT_ENCRYPTION_KEY,
      previousEncryptionKeys: e.CONSENT_ENCRYPTION_PREVIOUS_KEYS,
      encryptionKeyFile: join(dataDir, 'consent.key'),
    },
    payments: {
      encryptionKey: e.PAYMENTS_ENCRYPTION_KEY,
      previousEncryptionKeys: e.PAYMENTS_ENCRYPTION_PREVIOUS_KEYS,
      encryptionKeyFile: join(dataDir, 'payments.key'),
      bankCallbackUrl: e.PAYMENTS_CALLBACK_URL,
      sca: {
        threshold: e.PAYMENTS_SCA_THRESHOLD,
        acrValues: e.PAYMENTS_SCA_ACR_VALUES.split(/\s+/).filter(Boolean),
        codeTtlSeconds: e.PAYMENTS_SCA_CODE_TTL_SECONDS,
        maxAttempts: e.PAYMENTS_SCA_MAX_ATTEMPTS,
      },
      limits: {
        maxAmountPerConsent: e.PAYMENTS_MAX_AMOUNT_PER_CONSENT,
        velocity: {
          windowSeconds: e.PAYMENTS_VELOCITY_WINDOW_SECONDS,
          maxCount: e.PAYMENTS_VELOCITY_MAX_COUNT,
          maxSum: e.PAYMENTS_VELOCITY_MAX_SUM,
        },
      },
      anomaly: {
        amountFactor: e.PAYMENTS_ANOMALY_AMOUNT_FACTOR,
        minHistory: e.PAYMENTS_ANOMALY_MIN_HISTORY,
        burst: {
          count: e.PAYMENTS_ANOMALY_BURST_COUNT,
          windowSeconds: e.PAYMENTS_ANOMALY_BURST_WINDOW_SECONDS,
        },
        newCreditorAmount: e.PAYMENTS_ANOMALY_NEW_CREDITOR_AMOUNT,
      },
      statusFreshnessSeconds: e.PAYMENTS_STATUS_FRESHNESS_SECONDS,
      bankTimeoutMs: e.PAYMENTS_BANK_TIMEOUT_MS,
      tppIpAddress: e.PAYMENTS_TPP_IP_ADDRESS,
    },
    events: {
      pollIntervalMs: e.EVENT_POLL_INTERVAL_MS,
      retentionDays: e.EVENT_RETENTION_DAYS,
      webhooks: {
        timeoutMs: e.WEBHOOK_TIMEOUT_MS,
        retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
        retryMaxDelayMs: e.WEBHOOK_RETRY_MAX_DELAY_MS,
        retryWindowMs: Math.round(e.WEBHOOK_RETRY_HOURS * 3_600_000),
        sandboxMode: e.WEBHOOK_SANDBOX_MODE ?? isLoopbackHost(e.HOST),
      },
    },
    redis: { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX },
    nats: { url: e.NATS_URL, prefix: e.NATS_PREFIX },
    consentExpiryNoticeDays: e.CONSENT_EXPIRY_NOTICE_DAYS,
  };
}
