import type { AuditRecorder } from '../../shared/audit/index.ts';
import type { BankDefinition } from '../../shared/banks.ts';
import type { Clock } from '../../shared/clock.ts';
import type { PaymentsConfig } from '../../shared/config/index.ts';
import { buildSubgraph } from '../../shared/federation/build-subgraph.ts';
import { createSubgraphServer } from '../../shared/http/subgraph.ts';
import { silentLogger, type Logger } from '../../shared/log/index.ts';
import { createPisConnector } from './connectors/index.ts';
import type { PisConnector } from './connectors/connector.ts';
import type { PaymentsDb } from './db/client.ts';
import { createPaymentLoaders, type PaymentsContext } from './loaders/index.ts';
import { paymentsSubgraph } from './definition.ts';
import { PaymentConsentResolver } from './resolvers/payment-consent.resolver.ts';
import { PaymentResolver } from './resolvers/payment.resolver.ts';
import { ReviewResolver } from './resolvers/review.resolver.ts';
import { toPayment } from './schema/mappers.ts';
import { paymentCallbackRoutes } from './http/bank-callback.ts';
import { BankAuthorisationService } from './services/bank-authorisation.service.ts';
import { IdempotencyService } from './services/idempotency.service.ts';
import { Keyring, paymentsKeysOf } from './services/keyring.ts';
import type { AccountIdentifications } from './services/debtor-account.ts';
import { PaymentConsentService, type PaymentsDeps } from './services/payment-consent.service.ts';
import { PaymentService } from './services/payment.service.ts';
import { ReviewService } from './services/review.service.ts';
import { RiskHistory } from './services/risk.service.ts';
import { ScaService } from './services/sca.service.ts';
import { SubmissionService } from './services/submission.service.ts';

export interface PaymentsSubgraphOptions {
  db: PaymentsDb;
  internalSecret: string;
  maxBodyBytes: number;
  /** The bank directory: the banks payments can be made from. */
  banks: readonly BankDefinition[];
  settings: PaymentsConfig;
  clock: Clock;
  log?: Logger;
  /** Records every resolver call of this subgraph. */
  audit?: AuditRecorder;
  /** graphql-shield; off only when a benchmark asks (default on). */
  shield?: boolean;
  /** Tests swap in connectors to fake banks; default: one per bank in the directory. */
  connectors?: ReadonlyMap<string, PisConnector>;
  /** The accounts service: the identifications of the accounts a consent covers. */
  accounts: AccountIdentifications;
  /** Origins a PSU may be sent back to after authorising a payment at their bank. */
  returnOrigins?: readonly string[];
}

export async function createPaymentsSubgraph(o: PaymentsSubgraphOptions) {
  const services = createPaymentServices(o);
  const { schema, sdl } = await buildSubgraph(paymentsSubgraph, {
    instances: [
      new PaymentResolver(services.payments, services.submissions),
      new ReviewResolver(services.reviews),
      new PaymentConsentResolver(services.paymentConsents, services.bankAuthorisation),
    ],
    references: {
      Payment: async (ref, ctx) => {
        const row = await (ctx as PaymentsContext).loaders.payment.load(String(ref.id));
        return row ? toPayment(row) : null;
      },
    },
    shield: o.shield,
  });
  const { server, routes } = await createSubgraphServer<PaymentsContext>({
    name: 'payments',
    schema,
    internalSecret: o.internalSecret,
    maxBodyBytes: o.maxBodyBytes,
    audit: o.audit,
    logger: o.log,
    extendContext: (base) => ({ ...base, loaders: createPaymentLoaders(services.payments, base) }),
  });
  const callback = paymentCallbackRoutes(services.bankAuthorisation);
  return {
    schema,
    sdl,
    server,
    routes: { ...routes, ...callback },
    services: { payments: services },
  };
}

/** The payments services, wired; usable without GraphQL (service tests). */
export function createPaymentServices(
  o: Omit<PaymentsSubgraphOptions, 'maxBodyBytes' | 'audit' | 'shield'>,
) {
  const { settings, clock, db } = o;
  const log = o.log ?? silentLogger;
  const connectors =
    o.connectors ??
    new Map(
      o.banks.map((bank) => [
        bank.id,
        createPisConnector(bank, {
          tppIpAddress: settings.tppIpAddress,
          http: { timeoutMs: settings.bankTimeoutMs },
        }),
      ]),
    );
  // Longer than a bank call can take with all its retries, so a live request keeps its lock.
  const leaseMs = settings.bankTimeoutMs * 3 + 10_000;
  const keys = new Keyring(paymentsKeysOf(settings));
  const deps: PaymentsDeps = {
    db,
    clock,
    log,
    keys,
    banks: new Map(o.banks.map((b) => [b.id, b])),
    connectors,
    idempotency: new IdempotencyService(db, clock, leaseMs),
    history: new RiskHistory(db, settings),
    sca: new ScaService(db, keys, clock, settings.sca),
    risk: settings,
    accounts: o.accounts,
  };
  const paymentConsents = new PaymentConsentService(deps);
  const payments = new PaymentService({
    db,
    clock,
    connectors,
    log,
    freshnessSeconds: settings.statusFreshnessSeconds,
  });
  const bankAuthorisation = new BankAuthorisationService(
    deps,
    paymentConsents,
    o.returnOrigins ?? [],
    settings.bankTimeoutMs,
    (row) => payments.fresh(row, true),
  );
  const submissions = new SubmissionService(
    { ...deps, submissionLeaseMs: leaseMs },
    paymentConsents,
    bankAuthorisation,
  );
  return {
    bankAuthorisation,
    connectors,
    idempotency: deps.idempotency,
    paymentConsents,
    submissions,
    reviews: new ReviewService(deps, submissions),
    payments,
  };
}
