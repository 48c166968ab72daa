import * as prom from 'prom-client';

/**
 * The process's Prometheus registry, on prom-client (text exposition format 0.0.4). One per
 * process, so any module can count without wiring; the facade keeps the call sites short
 * (labels typed per metric) and lets a module that is imported twice get the same metric
 * where prom-client would throw on the second registration.
 */
export class Counter<L extends string = string> {
  constructor(private readonly metric: prom.Counter<L>) {}

  inc(labels: Record<L, string>, by = 1): void {
    this.metric.inc(labels, by);
  }

  /** The current value of one series (0 when it was never counted). */
  async get(labels: Record<L, string>): Promise<number> {
    const { values } = await this.metric.get();
    const found = values.find((v) =>
      Object.entries<string>(labels).every(([k, want]) => v.labels[k as L] === want),
    );
    return found?.value ?? 0;
  }
}

/** A value that goes up and down (e.g. requests in flight); no labels. */
export class Gauge {
  constructor(private readonly metric: prom.Gauge) {}

  inc(by = 1): void {
    this.metric.inc(by);
  }

  dec(by = 1): void {
    this.metric.dec(by);
  }

  async get(): Promise<number> {
    return (await this.metric.get()).values[0]?.value ?? 0;
  }
}

export class Histogram<L extends string = string> {
  constructor(private readonly metric: prom.Histogram<L>) {}

  observe(labels: Record<L, string>, value: number): void {
    this.metric.observe(labels, value);
  }
}

export class Registry {
  private readonly prom = new prom.Registry();
  private readonly metrics = new Map<string, Counter | Gauge | Histogram>();

  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return this.register(
      name,
      () =>
        new Counter(
          new prom.Counter<L>({ name, help, labelNames, registers: [this.prom] }),
        ) as Counter,
    ) as unknown as Counter<L>;
  }

  gauge(name: string, help: string): Gauge {
    return this.register(
      name,
      () => new Gauge(new prom.Gauge({ name, help, registers: [this.prom] })),
    ) as Gauge;
  }

  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ): Histogram<L> {
    return this.register(
      name,
      () =>
        new Histogram(
          new prom.Histogram<L>({
            name,
            help,
            labelNames,
            buckets: [...buckets],
            registers: [this.prom],
          }),
        ) as Histogram,
    ) as unknown as Histogram<L>;
  }

  /** The exposition text served at /metrics. */
  render(): Promise<string> {
    return this.prom.metrics();
  }

  private register<M extends Counter | Gauge | Histogram>(name: string, make: () => M): M {
    const existing = this.metrics.get(name);
    if (existing) return existing as M;
    const metric = make();
    this.metrics.set(name, metric);
    return metric;
  }
}

export const registry = new Registry();
export const prometheusContentType = prom.Registry.PROMETHEUS_CONTENT_TYPE;

/** Calls made to bank APIs; `kind` is e.g. accounts, balances, transactions, payment. */
export const bankCalls = registry.counter(
  'ledgergraph_bank_calls_total',
  'Calls made to bank APIs',
  ['bank', 'kind'],
);

/**
 * Credential checks that failed (wrong PSU password or client secret), by `kind`
 * (`psu_password`, `client_secret`): a rate alert on it catches guessing spread too thin
 * for any one lockout.
 */
export const credentialFailures = registry.counter(
  'ledgergraph_credential_failures_total',
  'Credential checks that failed (wrong PSU password or client secret)',
  ['kind'],
);

/** Lockouts started (an identity, an identity from one address, or an address). */
export const credentialLockouts = registry.counter(
  'ledgergraph_credential_lockouts_total',
  'Temporary lockouts started after repeated credential failures',
  ['kind'],
);

/** Credential attempts refused unchecked: during a delay or a lockout. */
export const credentialThrottled = registry.counter(
  'ledgergraph_credential_throttled_total',
  'Credential attempts refused without being checked (delay or lockout in force)',
  ['kind'],
);

/** Payments submitted to a bank or held, by currency and the status they got. */
export const paymentsInitiated = registry.counter(
  'ledgergraph_payments_initiated_total',
  'Payments initiated, by currency and first status',
  ['currency', 'status'],
);

/** The sum of initiated payments' amounts, in units of the currency (e.g. 12.5 GBP). */
export const paymentAmounts = registry.counter(
  'ledgergraph_payment_amount_total',
  'Sum of the amounts of initiated payments, in units of the currency, by first status',
  ['currency', 'status'],
);
