import { actAsSandboxPsu } from '../banks/sandbox-psu.ts';
import type { AccountServices } from '../index.ts';
import type { AccountsDb } from './client.ts';
import { ConnectionStatus } from '../services/connection.service.ts';

/** The demo PSUs (consent subgraph's seed) and their usernames at the sandbox banks. */
export const demoBankLogins = [
  { psuId: 'psu_alice', login: 'alice' },
  { psuId: 'psu_bob', login: 'bob' },
  { psuId: 'psu_carol', login: 'carol' },
];

/**
 * Connects every demo PSU to every sandbox bank through the same flow a PSU uses
 * (connectBank, the bank's own login and approval pages, our callback), so the embedded
 * default starts with real bank data. Idempotent: PSUs already connected are left alone, and
 * so are PSUs this store erased.
 */
export async function seedAccountsDb(services: AccountServices, db: AccountsDb): Promise<void> {
  const { banks, connections } = services;
  // A demo PSU erased with `psu erase` stays erased: their banks are not linked again.
  const erased = new Set(
    (await db.erasedPsu.findMany({ select: { psuId: true } })).map((e) => e.psuId),
  );
  // Banks side by side (they are independent); one PSU after another at each bank.
  await Promise.all(
    banks
      .list()
      .filter((b) => b.sandbox)
      .map(async (bank) => {
        for (const { psuId, login } of demoBankLogins) {
          if (erased.has(psuId)) continue;
          const existing = await connections.list(psuId);
          const active = (c: (typeof existing)[number]) =>
            c.bankId === bank.id && c.status === ConnectionStatus.Active;
          if (existing.some(active)) continue;
          const started = await connections.start(psuId, bank.id);
          if (!started.authorisationUrl) throw new Error(`${bank.id} gave no authorisation URL`);
          const back = await actAsSandboxPsu(bank, started.authorisationUrl, { username: login });
          const done = await connections.finish(new URL(back).searchParams);
          if (done.error) throw new Error(`seeding ${psuId} at ${bank.id}: ${done.error.message}`);
        }
      }),
  );
}
