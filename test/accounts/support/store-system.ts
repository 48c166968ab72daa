import { randomBytes } from 'node:crypto';
import { startSandboxBank, type SandboxBank } from '../../../src/sandbox/index.ts';
import type { BankDefinition } from '../../../src/shared/banks.ts';
import type { Clock } from '../../../src/shared/clock.ts';
import { migrateAccountsDb, openAccountsDb } from '../../../src/subgraphs/accounts/db/client.ts';
import { actAsSandboxPsu } from '../../../src/subgraphs/accounts/banks/sandbox-psu.ts';
import { createAccountServices } from '../../../src/subgraphs/accounts/index.ts';
import type { TestStore } from '../../support/stores.ts';

/** A clock the test moves by hand; starts at real time so the sandbox's tokens agree. */
export class MovableClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface BankDataSettings {
  freshnessSeconds: number;
  unattendedReadsPerDay: number;
  bankTimeoutMs: number;
}

const defaults: BankDataSettings = {
  freshnessSeconds: 300,
  unattendedReadsPerDay: 100,
  bankTimeoutMs: 5_000,
};

export const transactionsPerAccount = 10;

/** No HTTP server here: the bank redirects to this URL and the test hands its query over. */
export const storeCallbackUrl = 'http://ledgergraph.test/connections/callback';

function withCallback<T extends { link?: { setCallbackUrl(url: string): void } }>(services: T): T {
  services.link?.setCallbackUrl(storeCallbackUrl);
  return services;
}

/**
 * The accounts services over one real store, against two sandbox banks (OBIE 3.1.11 and
 * Berlin Group) over HTTP: no GraphQL, no gateway.
 */
export async function startStoreSystem(store: TestStore, settings: Partial<BankDataSettings> = {}) {
  await migrateAccountsDb(store.url);
  const db = openAccountsDb(store.url);
  const clock = new MovableClock();
  const handles: SandboxBank[] = [];
  const common = { seed: 11, transactionsPerAccount, accountsPerPsu: 2, pageSize: 100 };
  handles.push(await startSandboxBank({ id: 'bank-obie', standard: 'obie', ...common }));
  handles.push(await startSandboxBank({ id: 'bank-bg', standard: 'berlin-group', ...common }));
  const [obie, bg] = handles as [SandboxBank, SandboxBank];
  const banks: BankDefinition[] = handles.map((h) => ({
    id: h.id,
    name: h.id,
    standard: h.standard,
    ...(h.standard === 'obie' ? { obieVersion: '3.1.11' as const } : {}),
    country: h.standard === 'obie' ? 'GB' : 'DE',
    baseUrl: h.url,
    clientId: 'ledgergraph',
    clientSecret: 'sandbox-secret',
    sandbox: true,
  }));
  // The OBIE sandbox again, but declared a real bank: its PSU login must never be simulated.
  banks.push({ ...banks[0]!, id: 'real-bank', sandbox: false });
  const key = randomBytes(32).toString('base64');
  const servicesWith = (
    s: Partial<BankDataSettings> = {},
    encryption: { key: string; previousKeys?: string[] } = { key },
  ) =>
    withCallback(
      createAccountServices({
        db,
        banks,
        clock,
        encryption,
        bankData: { ...defaults, ...settings, ...s },
        link: { returnOrigins: ['http://app.test'] },
      }),
    );
  const services = servicesWith();

  /** The PSU's way: the bank's own login and approval pages, then our callback's work. */
  async function connect(psuId: string, login: string, bankId: string) {
    const started = await services.connections.start(psuId, bankId);
    const bank = banks.find((b) => b.id === bankId)!;
    const back = await actAsSandboxPsu(bank, started.authorisationUrl!, { username: login });
    const done = await services.connections.finish(new URL(back).searchParams);
    if (done.error) throw new Error(done.error.message);
    return done.connection;
  }

  async function accountIds(psuId: string, bankId: string): Promise<string[]> {
    const rows = await db.account.findMany({ where: { psuId, bankId }, orderBy: { id: 'asc' } });
    return rows.map((r) => r.id);
  }

  return {
    db,
    clock,
    obie,
    bg,
    banks,
    key,
    services,
    servicesWith,
    connect,
    accountIds,
    async close() {
      await db.$disconnect();
      await Promise.all(handles.map((h) => h.close()));
      await store.drop();
    },
  };
}
export type StoreSystem = Awaited<ReturnType<typeof startStoreSystem>>;

/** What a PSU would see at the bank: the real identifiers, to prove they are not stored. */
export async function bankSideAccounts(bank: SandboxBank, login: string) {
  const res = await fetch(`${bank.url}/__sandbox/psus`);
  const psus = (await res.json()) as {
    username: string;
    accounts: { accountId: string; iban: string; sortCode?: string; accountNumber?: string }[];
  }[];
  return psus.find((p) => p.username === login)!.accounts;
}
