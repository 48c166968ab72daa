import type { SubgraphContext } from '../../shared/auth/context.ts';
import type { AuditRecorder } from '../../shared/audit/index.ts';
import { buildSubgraph } from '../../shared/federation/build-subgraph.ts';
import { createSubgraphServer } from '../../shared/http/subgraph.ts';
import type { PaymentsDb } from './db/client.ts';
import { PaymentResolver } from './resolvers/payment.resolver.ts';
import { paymentRules } from './resolvers/rules.ts';
import { PaymentService } from './services/payment.service.ts';

export interface PaymentsSubgraphOptions {
  db: PaymentsDb;
  internalSecret: string;
  maxBodyBytes: number;
  /** Records every resolver call of this subgraph. */
  audit?: AuditRecorder;
}

export async function createPaymentsSubgraph(o: PaymentsSubgraphOptions) {
  const payments = new PaymentService(o.db);
  const { schema, sdl } = await buildSubgraph({
    resolvers: [new PaymentResolver(payments)],
    rules: paymentRules,
  });
  const { server, routes } = await createSubgraphServer<SubgraphContext>({
    name: 'payments',
    schema,
    internalSecret: o.internalSecret,
    maxBodyBytes: o.maxBodyBytes,
    audit: o.audit,
    extendContext: (base) => base,
  });
  return { schema, sdl, server, routes, services: { payments } };
}
