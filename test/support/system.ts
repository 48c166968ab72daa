import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadConfig } from '../../src/shared/config/index.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { startSystem, type RunningSystem } from '../../src/system.ts';
import { authorizeByHostedFlow } from '../../src/shared/oauth/hosted-flow.ts';
import { hashSecret } from '../../src/subgraphs/consent/services/secret-hash.ts';
import { demoClient, demoPsu, gatewayClient } from './gateway-client.ts';
import { startTestIdp, testIdpClientId } from './test-idp.ts';

/** A clock tests can move; starts at real time. */
export class TestClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/**
 * Starts the whole system in-process on random ports with fresh SQLite files. A DATA_DIR
 * given in env is kept on stop(), so a test can start the system on it again.
 */
export async function startTestSystem(env: Record<string, string> = {}) {
  const ownDir = env.DATA_DIR === undefined;
  const dir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'ledgergraph-test-'));
  const clock = new TestClock();
  // The only source of PSU tokens for the API: a trusted issuer (test-idp.ts).
  const testIdp = await startTestIdp();
  const trusted = JSON.parse(env.TRUSTED_ISSUERS ?? '[]') as unknown[];
  const config = loadConfig({
    DATA_DIR: dir,
    PORT: '0',
    CONSENT_PORT: '0',
    ACCOUNTS_PORT: '0',
    PAYMENTS_PORT: '0',
    SANDBOX_BANK_BASE_PORT: '0',
    TOKEN_ISSUER: 'http://ledgergraph.test',
    // TEST_LOG_LEVEL=error npx vitest … shows the system's own logs when a test needs them.
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
    TRUSTED_ISSUERS: JSON.stringify([...trusted, testIdp.trustedIssuer]),
  });
  let system: RunningSystem;
  try {
    system = await startSystem(config, clock);
    await registerTestIdpClient(system);
  } catch (e) {
    await testIdp.stop();
    throw e;
  }
  const url = system.gatewayUrl;

  // The same calls a client app makes to a gateway in another process.
  const { execute, tokens } = gatewayClient(url);

  /**
   * Request → the redirect flow: PAR, the PSU signs in on the hosted pages (password + TOTP)
   * and approves the chosen accounts on the consent page (the shared scripted browser) → the
   * consent-bound token the client redeems the code for. `psuToken` is the PSU's own token
   * from the test identity provider (for the PSU's operations the test goes on with).
   */
  async function authorisedConsent(options: {
    permissions: string[];
    client?: [string, string];
    psu?: [string, string];
    /** Which of the PSU's accounts to select: all (default), the first, or those matching. */
    accounts?: 'all' | 'first' | ((account: { id: string; bankId: string }) => boolean);
    /** The consent's transaction date window (ISO date-times). */
    window?: { from?: string; to?: string };
  }) {
    const [client, secret] = options.client ?? ['demo-pfm', 'demo-pfm-secret'];
    const [username, password] = options.psu ?? ['alice', 'alice-sandbox'];
    const clientToken = await tokens.client(client, secret);
    const requested = await execute<{ requestConsent: { id: string } }>(
      clientToken,
      `mutation($p: [ConsentPermission!]!, $from: DateTimeISO, $to: DateTimeISO) {
        requestConsent(input: { permissions: $p, transactionFromDate: $from, transactionToDate: $to }) { id }
      }`,
      { p: options.permissions, from: options.window?.from, to: options.window?.to },
    );
    expectNoErrors(requested);
    const consentId = requested.data!.requestConsent.id;
    const psuToken = await testIdp.psuToken(username);
    // The PSU's accounts in the API's order, so `first` and a filter mean what they did.
    const accounts = await execute<{ accounts: { id: string; bankId: string }[] }>(
      psuToken,
      '{ accounts { id bankId } }',
    );
    expectNoErrors(accounts);
    const all = accounts.data!.accounts;
    const pick = options.accounts;
    const wanted =
      pick === 'first'
        ? all.slice(0, 1).map((a) => a.id)
        : typeof pick === 'function'
          ? all.filter(pick).map((a) => a.id)
          : all.map((a) => a.id);
    const flow = await authorizeByHostedFlow({
      base: url,
      client: demoClient(client, secret),
      psu: demoPsu(username, password),
      consentId,
      clock,
      chooseAccounts: (offered) => {
        // The consent page offers exactly the PSU's accounts.
        expect([...offered].sort()).toEqual(all.map((a) => a.id).sort());
        return wanted;
      },
    });
    return {
      consentId,
      accountIds: flow.accountIds,
      clientToken,
      psuToken,
      token: flow.accessToken,
    };
  }

  /** The running sandbox bank with this id (fault injection, call counts). */
  function sandboxBank(id: string) {
    const bank = system.sandbox?.handles.find((h) => h.id === id);
    if (!bank) throw new Error(`no sandbox bank ${id}`);
    return bank;
  }

  return {
    url,
    system,
    clock,
    config,
    execute,
    tokens,
    /** TEST ONLY: PSU tokens, from the trusted test identity provider (test-idp.ts). */
    testIdp,
    authorisedConsent,
    sandboxBank,
    async stop() {
      await system.stop();
      await testIdp.stop();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type TestSystem = Awaited<ReturnType<typeof startTestSystem>>;

/**
 * The operator registers the app its identity provider's PSU tokens name, as any client app
 * a trusted issuer maps to (no secret anyone knows, no permissions, no redirect URI).
 */
async function registerTestIdpClient(system: RunningSystem) {
  const apps = system.db.consent.clientApp;
  if (await apps.findUnique({ where: { id: testIdpClientId } })) return;
  await apps.create({
    data: {
      id: testIdpClientId,
      name: 'Test identity provider’s PSU app',
      secretHash: await hashSecret(randomUUID()),
      allowedPermissions: '',
      platformScopes: '',
      redirectUris: '[]',
    },
  });
}

export function expectNoErrors(res: GraphQLResponse<unknown>): void {
  expect(res.errors ?? [], JSON.stringify(res.errors)).toEqual([]);
}

export function errorCodes(res: GraphQLResponse<unknown>): string[] {
  return (res.errors ?? []).map((e) => String(e.extensions?.code));
}
