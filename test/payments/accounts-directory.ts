import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox } from '../../src/shared/crypto/secret-box.ts';
import { createRouter, listen } from '../../src/shared/http/server.ts';
import { AccountsClient } from '../../src/shared/internal-api/accounts.ts';
import { accountIdOf } from '../../src/subgraphs/accounts/crypto/ids.ts';
import { migrateAccountsDb, openAccountsDb } from '../../src/subgraphs/accounts/db/client.ts';
import { internalAccountRoutes } from '../../src/subgraphs/accounts/http/internal-routes.ts';
import { PsuAccounts } from '../../src/subgraphs/accounts/services/psu-accounts.ts';
import { sealAccount } from '../../src/subgraphs/accounts/services/sealed.ts';

/**
 * The accounts service's internal routes on a real store (SQLite) and a real HTTP port, for
 * payments and consent tests that need to know whose an account is. `add` files an account
 * the way a bank connection does: sealed identification, Active connection.
 */
export async function startAccountsDirectory(secret = 'accounts-directory-test-secret-0123456789') {
  const dir = mkdtempSync(join(tmpdir(), 'lg-accounts-directory-'));
  const url = `file:${join(dir, 'accounts.db')}`;
  await migrateAccountsDb(url);
  const db = openAccountsDb(url);
  const box = new SecretBox(randomBytes(32));
  const listening = await listen(
    createRouter(internalAccountRoutes(new PsuAccounts(db, box), secret), () => undefined),
    0,
    '127.0.0.1',
  );

  async function add(
    psuId: string,
    bankId: string,
    identification?: { scheme: string; identification: string },
  ): Promise<string> {
    const connectionId = `con_${randomUUID().replace(/-/g, '')}`;
    await db.connection.create({
      data: { id: connectionId, psuId, bankId, status: 'Active' },
    });
    const bankAccountId = randomUUID();
    const id = accountIdOf(psuId, bankId, bankAccountId);
    await db.account.create({
      data: {
        id,
        connectionId,
        psuId,
        bankId,
        accountType: 'Personal',
        currency: 'GBP',
        identificationScheme: identification?.scheme ?? null,
        ...sealAccount(box, id, bankAccountId, identification),
      },
    });
    return id;
  }

  return {
    url: listening.url,
    client: new AccountsClient({ baseUrl: listening.url, secret }),
    secret,
    add,
    async stop() {
      await listening.close();
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type AccountsDirectory = Awaited<ReturnType<typeof startAccountsDirectory>>;
