import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { adminRouter } from './admin.js';
import { createBerlinGroupApi } from './berlin-group/api.js';
import { CallLog } from './calls.js';
import { SandboxBankData } from './data/bank.js';
import { FaultController } from './faults.js';
import { ClientRegistry } from './login/clients.js';
import { loginRouter } from './login/flow.js';
import { LoginSessions } from './login/sessions.js';
import { createObieApi } from './obie/api.js';
import { dialectFor } from './obie/dialect.js';
import { resolveOptions } from './options.js';
import { createBankServer } from './server.js';
import { memoryState, sqliteState } from './state.js';

export interface SandboxBankOptions {
  id: string; // e.g. 'obie-bank', 'bg-bank'
  standard: 'obie' | 'berlin-group';
  obieVersion?: '3.1.11' | '4.0'; // default '3.1.11'; changes base path and status codes
  seed: number; // deterministic data
  anchorDate?: string; // ISO date, "today" for the generated history; default: today UTC
  psus?: string[]; // bank-side PSU usernames; default ['alice','bob','carol']
  accountsPerPsu?: number; // default 2
  transactionsPerAccount?: number; // default 1500, spread over two years before anchorDate
  port?: number; // 0 = random free port (default 0)
  host?: string; // default '127.0.0.1'
  latencyMs?: number; // initial faults
  errorRate?: number;
  /** Transactions per page on paged endpoints; default 100. */
  pageSize?: number;
  /** Access-token lifetime (OBIE); default 3600. */
  accessTokenTtlSeconds?: number;
  /** The bank's clock (consent expiry, token expiry, daily limits); default Date.now. */
  now?: () => number;
  /**
   * Keep consents, tokens, payments, idempotency keys and daily counters in
   * `<stateDir>/<id>/state.db`, so a restarted bank still knows them. Default: memory only.
   */
  stateDir?: string;
}

export interface SandboxFaults {
  latencyMs?: number; // added to every data response
  errorRate?: number; // 0..1, share of data calls answered 500 (deterministic PRNG from seed)
  rateLimit?: { remaining: number; retryAfterSeconds: number }; // after `remaining` calls, answer 429 with Retry-After
  hang?: boolean; // accept the request, never answer (for timeout tests)
  malformed?: boolean; // answer 200 with broken/invalid JSON bodies
  failNext?: Array<{ status: number; body?: unknown; headers?: Record<string, string> }>; // queue of canned answers for the next calls
  dropBooked?: number; // leave the newest N booked entries of each account out of listings; balances keep them
}

export interface SandboxBank {
  readonly id: string;
  readonly standard: 'obie' | 'berlin-group';
  readonly url: string; // base origin, e.g. http://127.0.0.1:12345
  setFaults(f: SandboxFaults): void;
  resetFaults(): void;
  /** The bank books every pending entry under a new id; the first card payment with a tip. */
  settlePending(o?: { tipPercent?: number }): void;
  /** Back to the generated history (pending entries pending again). */
  unsettle(): void;
  callCount(filter?: { pathPrefix?: string; method?: string }): number; // data-API calls received
  resetCallCount(): void;
  close(): Promise<void>;
}

/**
 * Starts one sandbox bank on its own port. Faults given here are the bank's resting state:
 * resetFaults() returns to them; setFaults() replaces the whole set.
 */
export async function startSandboxBank(o: SandboxBankOptions): Promise<SandboxBank> {
  const options = resolveOptions(o);
  const state = options.stateDir ? sqliteState(join(options.stateDir, options.id)) : memoryState();
  const data = new SandboxBankData({
    bankId: options.id,
    seed: options.seed,
    region: options.standard === 'obie' ? 'GB' : 'DE',
    psus: options.psus,
    accountsPerPsu: options.accountsPerPsu,
    transactionsPerAccount: options.transactionsPerAccount,
    anchorDate: options.anchorDate,
  });
  const logins = new LoginSessions(state, options.now);
  const api =
    options.standard === 'obie'
      ? createObieApi({
          version: options.obieVersion,
          data,
          now: options.now,
          pageSize: options.pageSize,
          accessTokenTtlSeconds: options.accessTokenTtlSeconds,
          state,
        })
      : createBerlinGroupApi({
          data,
          now: options.now,
          pageSize: options.pageSize,
          state,
          logins,
        });
  const initialFaults = {
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.errorRate !== undefined ? { errorRate: options.errorRate } : {}),
  };
  const faults = new FaultController(options.seed, initialFaults, options.now);
  const calls = new CallLog();
  const info = {
    id: options.id,
    standard: options.standard,
    ...(options.standard === 'obie'
      ? {
          obieVersion: options.obieVersion,
          aisBase: dialectFor(options.obieVersion).aisBase,
          pisBase: dialectFor(options.obieVersion).pisBase,
        }
      : { base: '/v1' }),
    anchorDate: options.anchorDate,
    transactionsPerAccount: options.transactionsPerAccount,
    pageSize: options.pageSize,
  };
  // dropBooked is served by the data, the other faults by the server.
  const setFaults = (f: SandboxFaults) => {
    faults.set(f);
    data.setEvents({ ...data.currentEvents(), dropBooked: f.dropBooked ?? 0 });
  };
  const resetFaults = () => setFaults(initialFaults);
  const admin = adminRouter({ info, data, faults, setFaults, resetFaults, calls, api });
  const login = loginRouter({
    bankName: options.standard === 'obie' ? 'Sandbox Bank UK' : 'Sandbox Bank DE',
    standard: options.standard,
    api,
    data,
    sessions: logins,
    clients: new ClientRegistry(state),
    now: options.now,
  });
  const running = createBankServer({ api, admin, login, faults, calls, state });

  try {
    await new Promise<void>((resolve, reject) => {
      running.server.once('error', reject);
      running.server.listen(options.port, options.host, () => {
        running.server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    state.close();
    throw e;
  }
  const address = running.server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  return {
    id: options.id,
    standard: options.standard,
    url,
    setFaults,
    resetFaults,
    settlePending: (o = {}) =>
      data.setEvents({ ...data.currentEvents(), settled: { tipPercent: o.tipPercent ?? 10 } }),
    unsettle: () => data.setEvents({ dropBooked: data.currentEvents().dropBooked ?? 0 }),
    callCount: (filter) => calls.count(filter),
    resetCallCount: () => calls.reset(),
    close: () => running.close().finally(() => state.close()),
  };
}
