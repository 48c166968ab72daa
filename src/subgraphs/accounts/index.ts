import type { AuditRecorder } from '../../shared/audit/index.ts';
import type { BankDefinition } from '../../shared/banks.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { buildSubgraph } from '../../shared/federation/build-subgraph.ts';
import { createSubgraphServer } from '../../shared/http/subgraph.ts';
import type { Logger } from '../../shared/log/index.ts';
import { BankDirectory } from './banks/directory.ts';
import { SecretBox } from '../../shared/crypto/secret-box.ts';
import type { AccountsDb } from './db/client.ts';
import { accountsSubgraph } from './definition.ts';
import { createAccountLoaders } from './loaders/index.ts';
import {
  AccountResolver,
  ConsentAccountsResolver,
  PsuAccountsResolver,
} from './resolvers/account.resolver.ts';
import { ConnectionResolver } from './resolvers/connection.resolver.ts';
import { EnrichmentReadResolver } from './resolvers/enrichment-read.resolver.ts';
import { EnrichmentReads } from './enrichment/spending-reads.ts';
import type { AccountsContext } from './resolvers/context.ts';
import { bankCallbackRoutes } from './http/bank-callback.ts';
import { internalAccountRoutes } from './http/internal-routes.ts';
import { quarantineWarning } from './http/quarantine-warning.ts';
import { TransactionResolver } from './resolvers/transaction.resolver.ts';
import { CategoryResolver } from './resolvers/category.resolver.ts';
import { AccountService } from './services/account.service.ts';
import { BankDataService } from './services/bank-data.service.ts';
import { DataRead } from './services/data-read.ts';
import { CategoryService } from './services/category.service.ts';
import { BankLink } from './services/bank-link.ts';
import { ReturnUrlRule } from './services/return-url.ts';
import { ConnectionService } from './services/connection.service.ts';
import { PsuAccounts } from './services/psu-accounts.ts';
import { TransactionService } from './services/transaction.service.ts';
import { ReconciliationService } from './services/reconciliation.ts';

export interface AccountsSubgraphOptions {
  db: AccountsDb;
  internalSecret: string;
  maxBodyBytes: number;
  /** The bank directory; one connector per bank is built from it. */
  banks: readonly BankDefinition[];
  /** Base64 AES-256 key sealing bank tokens and account identifiers, and rotated-out keys. */
  encryption: { key: string; previousKeys?: readonly string[] };
  bankData: { freshnessSeconds: number; unattendedReadsPerDay?: number; bankTimeoutMs: number };
  /**
   * Linking through the bank's own login: the origins a PSU may be returned to. Absent,
   * connectBank gives no bank login URL (store-level tests drive connections directly).
   */
  link?: { returnOrigins: readonly string[] };
  clock?: Clock;
  /** Records every resolver call of this subgraph. */
  audit?: AuditRecorder;
  /** graphql-shield; off only when a benchmark asks (default on). */
  shield?: boolean;
  log?: Logger;
}

export function createAccountServices(
  o: Omit<AccountsSubgraphOptions, 'internalSecret' | 'maxBodyBytes' | 'audit' | 'shield'>,
) {
  const clock = o.clock ?? systemClock;
  const box = SecretBox.fromBase64(o.encryption.key, o.encryption.previousKeys);
  const banks = new BankDirectory(o.banks, {
    timeoutMs: o.bankData.bankTimeoutMs,
    clock,
    log: o.log,
  });
  const link =
    o.link && new BankLink(new ReturnUrlRule(o.link.returnOrigins), o.bankData.bankTimeoutMs);
  const connections = new ConnectionService({
    db: o.db,
    banks,
    box,
    clock,
    ...(o.bankData.unattendedReadsPerDay !== undefined
      ? { unattendedReadsPerDay: o.bankData.unattendedReadsPerDay }
      : {}),
    ...(link ? { link } : {}),
  });
  const reconciliation = new ReconciliationService(o.db, clock);
  return {
    reconciliation,
    banks,
    connections,
    link,
    accounts: new AccountService(o.db, box),
    psuAccounts: new PsuAccounts(o.db, box),
    enrichmentReads: new EnrichmentReads(o.db, clock),
    transactions: new TransactionService(o.db),
    categories: new CategoryService(o.db, clock),
    bankData: new BankDataService({
      db: o.db,
      banks,
      connections,
      box,
      clock,
      freshnessSeconds: o.bankData.freshnessSeconds,
      ...(o.bankData.unattendedReadsPerDay !== undefined
        ? { unattendedReadsPerDay: o.bankData.unattendedReadsPerDay }
        : {}),
      reconciliation,
    }),
  };
}
export type AccountServices = ReturnType<typeof createAccountServices>;

export async function createAccountsSubgraph(o: AccountsSubgraphOptions) {
  const services = createAccountServices(o);
  // Values sealed under a rotated-out key move to the current one.
  await services.connections.resealStale();
  const { schema, sdl } = await buildSubgraph(accountsSubgraph, {
    instances: [
      new AccountResolver(services.accounts, services.banks),
      new ConsentAccountsResolver(services.accounts),
      new PsuAccountsResolver(services.accounts),
      new TransactionResolver(services.accounts, services.transactions),
      new CategoryResolver(services.accounts, services.transactions, services.categories),
      new ConnectionResolver(services.connections, services.banks),
      new EnrichmentReadResolver(services.accounts, services.enrichmentReads),
    ],
    references: {
      Account: (ref, ctx) => (ctx as AccountsContext).loaders.account.load(String(ref.id)),
      Consent: (ref) => ({ id: String(ref.id) }),
      Psu: (ref) => ({ id: String(ref.id) }),
    },
    shield: o.shield,
  });
  const { server, routes } = await createSubgraphServer<AccountsContext>({
    name: 'accounts',
    schema,
    internalSecret: o.internalSecret,
    maxBodyBytes: o.maxBodyBytes,
    audit: o.audit,
    logger: o.log,
    extendContext: (base) => {
      // The PSU counts as present when the gateway vouches for their IP address
      // (x-fapi-customer-ip-address); otherwise a read is unattended and PSD2-limited.
      const presence = base.psuIpAddress ? { psuIpAddress: base.psuIpAddress } : {};
      const dataRead = new DataRead();
      return {
        ...base,
        presence,
        dataRead,
        loaders: createAccountLoaders(services, base, presence, dataRead),
      };
    },
    plugins: [quarantineWarning(services.reconciliation)],
  });
  const internal = internalAccountRoutes(services.psuAccounts, o.internalSecret);
  const callback = bankCallbackRoutes(services.connections);
  return { schema, sdl, server, routes: { ...routes, ...internal, ...callback }, services };
}
