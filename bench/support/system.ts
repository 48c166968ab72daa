import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthenticator } from '../../src/gateway/authenticate.ts';
import { type InternalContext } from '../../src/shared/auth/internal-context.ts';
import { remoteIssuer } from '../../src/shared/auth/verify.ts';
import { loadConfig } from '../../src/shared/config/index.ts';
import { startSystem } from '../../src/system.ts';
import { seedConsent } from './seed.ts';

/** Shared by every bench system so one signer serves them all (never a deployment's secret). */
export const benchSecret = 'bench-only-internal-context-secret-0123456789';

/**
 * Limits raised so the load generator measures work, not refusals; freshness long so after
 * warm-up the banks are not called (the sandbox has no latency anyway); payment risk rules
 * out of the way of thousands of identical small payments.
 */
export const benchEnv: Record<string, string> = {
  PORT: '0',
  CONSENT_PORT: '0',
  ACCOUNTS_PORT: '0',
  PAYMENTS_PORT: '0',
  SANDBOX_BANK_BASE_PORT: '0',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
  INTERNAL_CONTEXT_SECRET: benchSecret,
  ACCESS_TOKEN_TTL_SECONDS: '3600',
  RATE_LIMIT_PER_SECOND: '1000000',
  RATE_LIMIT_BURST: '1000000',
  MAX_CONCURRENT_REQUESTS: '100000',
  MAX_QUERY_COST: '1000000',
  MAX_QUERY_DEPTH: '20',
  BANK_DATA_FRESHNESS_SECONDS: '86400',
  BANK_UNATTENDED_READS_PER_DAY: '1000',
  PAYMENTS_STATUS_FRESHNESS_SECONDS: '86400',
  PAYMENTS_MAX_AMOUNT_PER_CONSENT: '9999999999.00',
  PAYMENTS_VELOCITY_MAX_COUNT: '100000000',
  PAYMENTS_VELOCITY_MAX_SUM: '9999999999.00',
  PAYMENTS_ANOMALY_BURST_COUNT: '100000000',
  PAYMENTS_ANOMALY_AMOUNT_FACTOR: '1000000',
  PAYMENTS_ANOMALY_NEW_CREDITOR_AMOUNT: '9999999999.00',
  SANDBOX_TRANSACTIONS_PER_ACCOUNT: '200',
};

/**
 * The whole system on random ports with its own data dir, and one authorised consent of
 * alice's over all her accounts. `shield: false` builds its subgraphs without graphql-shield.
 */
export async function startBenchSystem(env: Record<string, string> = {}, shield = true) {
  const dir = mkdtempSync(join(tmpdir(), 'lg-bench-'));
  const config = loadConfig({ ...benchEnv, DATA_DIR: dir, ...env });
  const system = await startSystem(config, undefined, { shield });
  const seeded = await seedConsent(system.gatewayUrl);
  // What the gateway forwards for this token, to call subgraphs directly with it.
  const authenticate = createAuthenticator({
    issuers: [remoteIssuer(config.tokens.issuer, `${system.subgraphUrls.consent}/jwks`)],
    audience: config.tokens.audience,
    consentGrantUrl: `${system.subgraphUrls.consent}/internal/consent-grant`,
    internalSecret: benchSecret,
  });
  const internal: InternalContext = await authenticate(`Bearer ${seeded.bearer}`, 'bench');
  return {
    ...seeded,
    system,
    config,
    internal,
    authenticate,
    async stop() {
      await system.stop();
      // A file may still appear while the tree goes (ENOTEMPTY seen once after a profile
      // run): Node retries such an rmdir with a growing delay.
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}
export type BenchSystem = Awaited<ReturnType<typeof startBenchSystem>>;
