/**
 * A small circuit breaker with opossum's semantics: a rolling window of outcomes, a volume
 * threshold before it may open, an error percentage that opens it, and after the reset
 * timeout a single half-open trial whose outcome closes or re-opens it.
 */

export interface CircuitBreakerOptions {
  /** Outcomes older than this are forgotten. Default 10 000 ms (opossum rollingCountTimeout). */
  rollingWindowMs: number;
  /** Calls needed in the window before the breaker may open; at least 1. Default 5. */
  volumeThreshold: number;
  /** Failure share, in percent, that opens the breaker. Default 50. */
  errorThresholdPercentage: number;
  /** How long it stays open before allowing one trial. Default 30 000 ms. */
  resetTimeoutMs: number;
}

export const defaultBreakerOptions: CircuitBreakerOptions = {
  rollingWindowMs: 10_000,
  volumeThreshold: 5,
  errorThresholdPercentage: 50,
  resetTimeoutMs: 30_000,
};

export type CircuitState = 'closed' | 'open' | 'half-open';

/** Every permit must be settled exactly once: succeed, fail, or release (no verdict). */
export interface BreakerPermit {
  succeed(): void;
  fail(): void;
  release(): void;
}

export function validateBreakerOptions(options: CircuitBreakerOptions): CircuitBreakerOptions {
  const problems: string[] = [];
  if (!(options.rollingWindowMs > 0)) problems.push('rollingWindowMs must be > 0');
  if (!Number.isInteger(options.volumeThreshold) || options.volumeThreshold < 1) {
    problems.push('volumeThreshold must be an integer >= 1');
  }
  const pct = options.errorThresholdPercentage;
  if (!(pct > 0 && pct <= 100)) problems.push('errorThresholdPercentage must be in (0, 100]');
  if (!(options.resetTimeoutMs > 0)) problems.push('resetTimeoutMs must be > 0');
  if (problems.length > 0)
    throw new Error(`Invalid circuit breaker options: ${problems.join('; ')}`);
  return options;
}

export class CircuitBreaker {
  private outcomes: { at: number; failed: boolean }[] = [];
  private openedAt: number | undefined;
  private trialInFlight = false;

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly now: () => number,
  ) {}

  get state(): CircuitState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.options.resetTimeoutMs ? 'half-open' : 'open';
  }

  /** A permit to call, or undefined when the call must fail fast. */
  tryAcquire(): BreakerPermit | undefined {
    const state = this.state;
    if (state === 'open') return undefined;
    if (state === 'half-open') {
      if (this.trialInFlight) return undefined;
      this.trialInFlight = true;
      return this.trialPermit();
    }
    return this.closedPermit();
  }

  private closedPermit(): BreakerPermit {
    let settled = false;
    const settle = (failed: boolean | undefined): void => {
      if (settled) return;
      settled = true;
      // A call that started while closed says nothing about a breaker that has since opened.
      if (failed === undefined || this.openedAt !== undefined) return;
      this.record(failed);
    };
    return {
      succeed: () => settle(false),
      fail: () => settle(true),
      release: () => settle(undefined),
    };
  }

  private trialPermit(): BreakerPermit {
    let settled = false;
    const settle = (failed: boolean | undefined): void => {
      if (settled) return;
      settled = true;
      this.trialInFlight = false;
      if (failed === undefined) return;
      if (failed) {
        this.openedAt = this.now();
      } else {
        this.openedAt = undefined;
        this.outcomes = [];
      }
    };
    return {
      succeed: () => settle(false),
      fail: () => settle(true),
      release: () => settle(undefined),
    };
  }

  private record(failed: boolean): void {
    const now = this.now();
    this.outcomes = this.outcomes.filter((o) => now - o.at < this.options.rollingWindowMs);
    this.outcomes.push({ at: now, failed });
    const total = this.outcomes.length;
    if (total < this.options.volumeThreshold) return;
    const failures = this.outcomes.filter((o) => o.failed).length;
    if ((failures * 100) / total >= this.options.errorThresholdPercentage) {
      this.openedAt = now;
      this.outcomes = [];
    }
  }
}

/** One breaker per bank endpoint ("GET /accounts"), created on first use. */
export class CircuitBreakers {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly options: CircuitBreakerOptions;

  constructor(
    options: Partial<CircuitBreakerOptions> = {},
    private readonly now: () => number = () => Date.now(),
  ) {
    this.options = validateBreakerOptions({ ...defaultBreakerOptions, ...options });
  }

  for(endpoint: string): CircuitBreaker {
    let breaker = this.breakers.get(endpoint);
    if (!breaker) {
      breaker = new CircuitBreaker(this.options, this.now);
      this.breakers.set(endpoint, breaker);
    }
    return breaker;
  }

  stateOf(endpoint: string): CircuitState {
    return this.breakers.get(endpoint)?.state ?? 'closed';
  }
}
