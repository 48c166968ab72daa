import type { SubgraphDefinition } from '../../shared/federation/build-subgraph.ts';
import { AuditResolver } from './resolvers/audit.resolver.ts';
import { ConsentResolver } from './resolvers/consent.resolver.ts';
import { PsuResolver } from './resolvers/psu.resolver.ts';
import { consentRules } from './resolvers/rules.ts';
import { WebhookResolver } from './resolvers/webhook.resolver.ts';

/** The consent subgraph's schema, as classes: printing it needs no database or key. */
export const consentSubgraph: SubgraphDefinition = {
  resolvers: [ConsentResolver, PsuResolver, AuditResolver, WebhookResolver],
  rules: consentRules,
};
