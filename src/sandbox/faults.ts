import { z } from 'zod';
import { hashSeed, mulberry32, type Random } from './data/prng.js';

export const cannedAnswerSchema = z.object({
  status: z.number().int().min(100).max(599),
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

export const faultsSchema = z
  .object({
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    errorRate: z.number().min(0).max(1).optional(),
    rateLimit: z
      .object({
        remaining: z.number().int().min(0),
        retryAfterSeconds: z.number().int().min(0),
      })
      .optional(),
    hang: z.boolean().optional(),
    malformed: z.boolean().optional(),
    failNext: z.array(cannedAnswerSchema).optional(),
    /** Leave the newest N booked entries of each account out of listings (balances keep them). */
    dropBooked: z.number().int().min(0).max(1000).optional(),
  })
  .strict();

export type Faults = z.infer<typeof faultsSchema>;
export type CannedAnswer = z.infer<typeof cannedAnswerSchema>;

export type FaultDecision =
  | { kind: 'pass' }
  | { kind: 'hang' }
  | { kind: 'canned'; answer: CannedAnswer }
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  | { kind: 'server-error' };

interface RateWindow {
  budget: number;
  retryAfterSeconds: number;
  left: number;
  blockedUntil?: number;
}

/**
 * The bank's current misbehaviour. Decisions are taken per API call in a fixed order
 * (canned answer, hang, rate limit, random error) so a test can predict them; the error
 * PRNG is reseeded from the bank seed on every change, so the same faults on the same
 * bank fail the same calls.
 */
export class FaultController {
  private faults: Faults = {};
  private queue: CannedAnswer[] = [];
  private window: RateWindow | undefined;
  private random: Random;

  constructor(
    private readonly seed: number,
    private readonly initial: Faults,
    private readonly now: () => number,
  ) {
    this.random = mulberry32(seed);
    this.set(initial);
  }

  set(faults: Faults): void {
    const parsed = faultsSchema.parse(faults);
    this.faults = parsed;
    this.queue = [...(parsed.failNext ?? [])];
    this.window = parsed.rateLimit
      ? {
          budget: parsed.rateLimit.remaining,
          retryAfterSeconds: parsed.rateLimit.retryAfterSeconds,
          left: parsed.rateLimit.remaining,
        }
      : undefined;
    this.random = mulberry32(hashSeed(this.seed, 'errors'));
  }

  /** Back to the faults the bank was started with. */
  reset(): void {
    this.set(this.initial);
  }

  current(): Faults {
    const out: Faults = { ...this.faults, failNext: [...this.queue] };
    if (this.window)
      out.rateLimit = {
        remaining: this.window.left,
        retryAfterSeconds: this.window.retryAfterSeconds,
      };
    return out;
  }

  get latencyMs(): number {
    return this.faults.latencyMs ?? 0;
  }

  get malformed(): boolean {
    return this.faults.malformed === true;
  }

  decide(): FaultDecision {
    const canned = this.queue.shift();
    if (canned) return { kind: 'canned', answer: canned };
    if (this.faults.hang === true) return { kind: 'hang' };
    const limited = this.rateLimit();
    if (limited !== undefined) return { kind: 'rate-limited', retryAfterSeconds: limited };
    const errorRate = this.faults.errorRate ?? 0;
    if (errorRate > 0 && this.random() < errorRate) return { kind: 'server-error' };
    return { kind: 'pass' };
  }

  /** After the budget is spent, 429 until Retry-After has passed, then a fresh budget. */
  private rateLimit(): number | undefined {
    const window = this.window;
    if (!window) return undefined;
    const now = this.now();
    if (window.blockedUntil !== undefined) {
      if (now < window.blockedUntil)
        return Math.max(1, Math.ceil((window.blockedUntil - now) / 1000));
      window.blockedUntil = undefined;
      window.left = window.budget;
    }
    if (window.left > 0) {
      window.left--;
      return undefined;
    }
    window.blockedUntil = now + window.retryAfterSeconds * 1000;
    return window.retryAfterSeconds;
  }
}
