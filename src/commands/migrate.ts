import { migrateAuditDb } from '../shared/audit/index.ts';
import type { Config } from '../shared/config/index.ts';
import { migrateAccountsDb } from '../subgraphs/accounts/db/client.ts';
import { migrateConsentDb } from '../subgraphs/consent/db/client.ts';
import { migratePaymentsDb } from '../subgraphs/payments/db/client.ts';

/** Every store's pending migrations; each service also migrates its own store at start. */
export async function migrate(config: Config): Promise<number> {
  const applied = {
    consent: await migrateConsentDb(config.databases.consent),
    accounts: await migrateAccountsDb(config.databases.accounts),
    payments: await migratePaymentsDb(config.databases.payments),
    audit: await migrateAuditDb(config.audit.databaseUrl),
  };
  for (const [store, names] of Object.entries(applied)) {
    console.log(`${store}: ${names.length ? names.join(', ') : 'up to date'}`);
  }
  return 0;
}
