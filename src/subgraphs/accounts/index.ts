import type { AuditRecorder } from '../../shared/audit/index.ts';
import { buildSubgraph } from '../../shared/federation/build-subgraph.ts';
import { createSubgraphServer } from '../../shared/http/subgraph.ts';
import type { AccountsDb } from './db/client.ts';
import { createAccountLoaders } from './loaders/index.ts';
import {
  AccountResolver,
  ConsentAccountsResolver,
  PsuAccountsResolver,
  type AccountsContext,
} from './resolvers/account.resolver.ts';
import { accountRules } from './resolvers/rules.ts';
import { ConsentRef, PsuRef } from './schema/entity-stubs.ts';
import { AccountService } from './services/account.service.ts';

export interface AccountsSubgraphOptions {
  db: AccountsDb;
  internalSecret: string;
  maxBodyBytes: number;
  /** Records every resolver call of this subgraph. */
  audit?: AuditRecorder;
}

export async function createAccountsSubgraph(o: AccountsSubgraphOptions) {
  const accounts = new AccountService(o.db);
  const { schema, sdl } = await buildSubgraph({
    resolvers: [
      new AccountResolver(accounts),
      new ConsentAccountsResolver(accounts),
      new PsuAccountsResolver(accounts),
    ],
    references: {
      Account: (ref, ctx) => (ctx as AccountsContext).loaders.account.load(String(ref.id)),
      Consent: (ref) => ({ id: String(ref.id) }),
      Psu: (ref) => ({ id: String(ref.id) }),
    },
    rules: accountRules,
    orphanedTypes: [ConsentRef, PsuRef],
  });
  const { server, routes } = await createSubgraphServer<AccountsContext>({
    name: 'accounts',
    schema,
    internalSecret: o.internalSecret,
    maxBodyBytes: o.maxBodyBytes,
    audit: o.audit,
    extendContext: (base) => ({ ...base, loaders: createAccountLoaders(accounts, base) }),
  });
  return { schema, sdl, server, routes, services: { accounts } };
}
