import type { SubgraphDefinition } from '../../shared/federation/build-subgraph.ts';
import { PaymentConsentResolver } from './resolvers/payment-consent.resolver.ts';
import { PaymentResolver } from './resolvers/payment.resolver.ts';
import { ReviewResolver } from './resolvers/review.resolver.ts';
import { paymentRules } from './resolvers/rules.ts';
import { AccountRef } from './schema/account.stub.ts';

/** The payments subgraph's schema, as classes: printing it needs no database, bank or key. */
export const paymentsSubgraph: SubgraphDefinition = {
  resolvers: [PaymentResolver, PaymentConsentResolver, ReviewResolver],
  rules: paymentRules,
  orphanedTypes: [AccountRef],
};
