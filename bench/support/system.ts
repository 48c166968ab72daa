import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthenticator } from '../../src/gateway/authenticate.ts';
import { type InternalContext } from '../../src/shared/auth/internal-context.ts';
import { remoteIssuer } from '../../src/shared/auth/verify.ts';
import { loadConfig } from '../../src/shared/config/index.ts';
import { startSystem } from '../../src/system.ts';

/** Shared by every bench system so one signer serves them all (never a deployment's secret). */
export const benchSecret = 'bench-only-internal-context-secret-0123456789';

/**
 * Limits raised so the load generator measures work, not refusals; freshness long so after
 * warm-up the banks are not called (the sandbox has no latency anyway); payment risk rules
 * out of the way of thousands of identical small payments.
 */
const benchEnv: Record<string, string> = {
  PORT: '0',
  CONSENT_PORT: '0',
  ACCOUNTS_PORT: '0',
  PAYMENTS_PORT: '0',
  SANDBOX_BANK_BASE_PORT: '0',
  LOG_LEVEL: 'silent',
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

export const dataPermissions = [
  'ReadAccountsDetail',
  'ReadBalances',
  'ReadTransactionsDetail',
  'ReadTransactionsCredits',
  'ReadTransactionsDebits',
  'InitiatePayments',
  'ReadPayments',
];

/**
 * The whole system on random ports with its own data dir, and one authorised consent of
 * alice's over all her accounts. `shield: false` builds its subgraphs without graphql-shield.
 */
export async function startBenchSystem(env: Record<string, string> = {}, shield = true) {
  const dir = mkdtempSync(join(tmpdir(), 'lg-bench-'));
  const config = loadConfig({ ...benchEnv, DATA_DIR: dir, ...env });
  const system = await startSystem(config, undefined, { shield });
  const url = system.gatewayUrl;
  const token = async (client: string, secret: string, form: Record<string, string>) => {
    const res = await fetch(`${url}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client}:${secret}`).toString('base64')}`,
      },
      body: new URLSearchParams(form),
    });
    const body = (await res.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`token: ${res.status} ${JSON.stringify(body)}`);
    return body.access_token;
  };
  const graphql = async <T>(bearer: string, query: string, variables = {}) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown[] };
    if (body.errors?.length || !body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const client = () => token('demo-pfm', 'demo-pfm-secret', { grant_type: 'client_credentials' });
  const asked = await graphql<{ requestConsent: { id: string } }>(
    await client(),
    'mutation($p: [ConsentPermission!]!) { requestConsent(input: { permissions: $p }) { id } }',
    { p: dataPermissions },
  );
  const consentId = asked.requestConsent.id;
  const psu = await token('ledgergraph-consent-ui', 'consent-ui-secret', {
    grant_type: 'password',
    username: 'alice',
    password: 'alice-sandbox',
  });
  const mine = await graphql<{ accounts: { id: string; bankId: string }[] }>(
    psu,
    '{ accounts { id bankId } }',
  );
  await graphql(
    psu,
    'mutation($id: ID!, $a: [ID!]!) { authoriseConsent(id: $id, accountIds: $a) { id } }',
    { id: consentId, a: mine.accounts.map((a) => a.id) },
  );
  const bearer = await token('demo-pfm', 'demo-pfm-secret', {
    grant_type: 'urn:ledgergraph:params:oauth:grant-type:consent',
    consent_id: consentId,
  });
  // What the gateway forwards for this token, to call subgraphs directly with it.
  const authenticate = createAuthenticator({
    issuers: [remoteIssuer(config.tokens.issuer, `${system.subgraphUrls.consent}/jwks`)],
    audience: config.tokens.audience,
    consentGrantUrl: `${system.subgraphUrls.consent}/internal/consent-grant`,
    internalSecret: benchSecret,
  });
  const internal: InternalContext = await authenticate(`Bearer ${bearer}`, 'bench');
  return {
    system,
    config,
    bearer,
    consentId,
    accounts: mine.accounts,
    internal,
    authenticate,
    graphql: <T>(query: string, variables = {}) => graphql<T>(bearer, query, variables),
    async stop() {
      await system.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type BenchSystem = Awaited<ReturnType<typeof startBenchSystem>>;
