import type { SubgraphDefinition } from '../../shared/federation/build-subgraph.ts';
import {
  AccountResolver,
  ConsentAccountsResolver,
  PsuAccountsResolver,
} from './resolvers/account.resolver.ts';
import { ConnectionResolver } from './resolvers/connection.resolver.ts';
import { EnrichmentReadResolver } from './resolvers/enrichment-read.resolver.ts';
import { accountRules } from './resolvers/rules.ts';
import { TransactionResolver } from './resolvers/transaction.resolver.ts';
import { CategoryResolver } from './resolvers/category.resolver.ts';
import { ConsentRef, PsuRef } from './schema/entity-stubs.ts';

/** The accounts subgraph's schema, as classes: printing it needs no database, bank or key. */
export const accountsSubgraph: SubgraphDefinition = {
  resolvers: [
    AccountResolver,
    ConsentAccountsResolver,
    PsuAccountsResolver,
    TransactionResolver,
    CategoryResolver,
    ConnectionResolver,
    EnrichmentReadResolver,
  ],
  rules: accountRules,
  orphanedTypes: [ConsentRef, PsuRef],
};
