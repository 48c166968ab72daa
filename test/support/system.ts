import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadConfig } from '../../src/shared/config/index.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { startSystem, type RunningSystem } from '../../src/system.ts';
import { gatewayClient } from './gateway-client.ts';

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
  });
  const system: RunningSystem = await startSystem(config, clock);
  const url = system.gatewayUrl;

  // The same calls a client app makes to a gateway in another process.
  const { execute, tokens } = gatewayClient(url);

  /** Request → PSU picks accounts → authorise → consent-bound token. */
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
    const psuToken = await tokens.psu(...(options.psu ?? ['alice', 'alice-sandbox']));
    const accounts = await execute<{ accounts: { id: string; bankId: string }[] }>(
      psuToken,
      '{ accounts { id bankId } }',
    );
    expectNoErrors(accounts);
    const all = accounts.data!.accounts;
    const pick = options.accounts;
    const chosen =
      pick === 'first'
        ? all.slice(0, 1).map((a) => a.id)
        : typeof pick === 'function'
          ? all.filter(pick).map((a) => a.id)
          : all.map((a) => a.id);
    const authorised = await execute(
      psuToken,
      'mutation($id: ID!, $a: [ID!]!) { authoriseConsent(id: $id, accountIds: $a) { id status } }',
      { id: consentId, a: chosen },
    );
    expectNoErrors(authorised);
    return {
      consentId,
      accountIds: chosen,
      clientToken,
      psuToken,
      token: await tokens.consent(consentId, client, secret),
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
    authorisedConsent,
    sandboxBank,
    async stop() {
      await system.stop();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type TestSystem = Awaited<ReturnType<typeof startTestSystem>>;

export function expectNoErrors(res: GraphQLResponse<unknown>): void {
  expect(res.errors ?? [], JSON.stringify(res.errors)).toEqual([]);
}

export function errorCodes(res: GraphQLResponse<unknown>): string[] {
  return (res.errors ?? []).map((e) => String(e.extensions?.code));
}
