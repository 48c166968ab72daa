/**
 * A minimal Prometheus registry (text exposition format 0.0.4): counters and histograms
 * with labels. One process-wide registry, so any module can count without wiring.
 */
const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labelText = (names: readonly string[], values: readonly string[], extra = '') => {
  const parts = names.map((n, i) => `${n}="${escape(values[i] ?? '')}"`);
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(',')}}` : '';
};

interface Metric {
  render(): string;
}

export class Counter<L extends string = string> implements Metric {
  private readonly values = new Map<string, { labels: string[]; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
  ) {}

  inc(labels: Record<L, string>, by = 1): void {
    const values = this.labelNames.map((n) => labels[n]);
    const key = JSON.stringify(values);
    const entry = this.values.get(key) ?? { labels: values, value: 0 };
    entry.value += by;
    this.values.set(key, entry);
  }

  get(labels: Record<L, string>): number {
    return this.values.get(JSON.stringify(this.labelNames.map((n) => labels[n])))?.value ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values()) {
      lines.push(`${this.name}${labelText(this.labelNames, labels)} ${value}`);
    }
    return lines.join('\n');
  }
}

/** A value that goes up and down (e.g. requests in flight); no labels. */
export class Gauge implements Metric {
  private value = 0;
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(by = 1): void {
    this.value += by;
  }

  dec(by = 1): void {
    this.value -= by;
  }

  get(): number {
    return this.value;
  }

  render(): string {
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} gauge`,
      `${this.name} ${this.value}`,
    ].join('\n');
  }
}

export class Histogram<L extends string = string> implements Metric {
  private readonly series = new Map<
    string,
    { labels: string[]; counts: number[]; sum: number; count: number }
  >();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
    readonly buckets: readonly number[],
  ) {}

  observe(labels: Record<L, string>, value: number): void {
    const values = this.labelNames.map((n) => labels[n]);
    const key = JSON.stringify(values);
    const s = this.series.get(key) ?? {
      labels: values,
      counts: this.buckets.map(() => 0),
      sum: 0,
      count: 0,
    };
    this.buckets.forEach((b, i) => {
      if (value <= b) s.counts[i]! += 1;
    });
    s.sum += value;
    s.count += 1;
    this.series.set(key, s);
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((b, i) => {
        lines.push(
          `${this.name}_bucket${labelText(this.labelNames, s.labels, `le="${b}"`)} ${s.counts[i]}`,
        );
      });
      lines.push(
        `${this.name}_bucket${labelText(this.labelNames, s.labels, 'le="+Inf"')} ${s.count}`,
      );
      lines.push(`${this.name}_sum${labelText(this.labelNames, s.labels)} ${s.sum}`);
      lines.push(`${this.name}_count${labelText(this.labelNames, s.labels)} ${s.count}`);
    }
    return lines.join('\n');
  }
}

export class Registry {
  private readonly metrics = new Map<string, Metric>();

  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return this.register(name, () => new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string): Gauge {
    return this.register(name, () => new Gauge(name, help));
  }

  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ): Histogram<L> {
    return this.register(name, () => new Histogram(name, help, labelNames, buckets));
  }

  /** The exposition text served at /metrics. */
  render(): string {
    return `${[...this.metrics.values()].map((m) => m.render()).join('\n')}\n`;
  }

  // Registering the same name twice returns the first metric, so re-imports do not throw.
  private register<M extends Metric>(name: string, make: () => M): M {
    const existing = this.metrics.get(name);
    if (existing) return existing as M;
    const metric = make();
    this.metrics.set(name, metric);
    return metric;
  }
}

export const registry = new Registry();
export const prometheusContentType = 'text/plain; version=0.0.4; charset=utf-8';

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
