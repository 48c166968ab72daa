import type { PaymentsConfig } from '../../../shared/config/index.ts';
import { AppError, ErrorCode } from '../../../shared/errors/index.ts';
import { median, sum, toScaled } from './money.ts';

/**
 * The payment risk rules: SCA triggers, hard limits and anomaly flags. Pure functions over
 * the candidate payment and the PSU's history, so they are tested without a database or
 * GraphQL; risk.service.ts gathers the history.
 */
export type RiskSettings = Pick<PaymentsConfig, 'sca' | 'limits' | 'anomaly'>;

export const ScaReason = {
  AmountAboveThreshold: 'AmountAboveThreshold',
  NewCreditor: 'NewCreditor',
} as const;
export type ScaReason = (typeof ScaReason)[keyof typeof ScaReason];

export const RiskFlag = {
  AmountFarAboveHistory: 'AmountFarAboveHistory',
  PaymentBurst: 'PaymentBurst',
  NewCreditorHighAmount: 'NewCreditorHighAmount',
} as const;
export type RiskFlag = (typeof RiskFlag)[keyof typeof RiskFlag];

export interface Candidate {
  amount: string;
  currency: string;
}

export interface PastPayment {
  amount: string;
  currency: string;
  createdAt: Date;
}

export interface PsuHistory {
  /** The PSU's payments that were not rejected, newest first, at least the longest window back. */
  recent: readonly PastPayment[];
  /** Amounts of the PSU's earlier payments in the candidate's currency (not rejected, not held). */
  pastAmounts: readonly string[];
  /** The PSU has paid this creditor before (sent to the bank and not rejected). */
  creditorKnown: boolean;
}

export function scaReasons(c: Candidate, h: PsuHistory, s: RiskSettings): ScaReason[] {
  const reasons: ScaReason[] = [];
  if (toScaled(c.amount) > toScaled(s.sca.threshold)) reasons.push(ScaReason.AmountAboveThreshold);
  if (!h.creditorKnown) reasons.push(ScaReason.NewCreditor);
  return reasons;
}

/** Per payment consent: refused at creation, before anything reaches the bank. */
export function checkConsentAmount(c: Candidate, s: RiskSettings): void {
  if (toScaled(c.amount) > toScaled(s.limits.maxAmountPerConsent)) {
    throw new AppError(
      ErrorCode.FORBIDDEN,
      `amount is above the limit for one payment (${s.limits.maxAmountPerConsent} ${c.currency})`,
      { reason: 'limit_exceeded', limit: 'maxAmountPerConsent' },
    );
  }
}

/**
 * Per PSU, over a sliding window: how many payments and how much money. Breaching either is
 * RATE_LIMITED with the seconds until the oldest payment in the window leaves it.
 */
export function checkVelocity(c: Candidate, h: PsuHistory, now: Date, s: RiskSettings): void {
  const { windowSeconds, maxCount, maxSum } = s.limits.velocity;
  const inWindow = within(h.recent, now, windowSeconds);
  const sameCurrency = inWindow.filter((p) => p.currency === c.currency);
  const total = sum(sameCurrency.map((p) => toScaled(p.amount))) + toScaled(c.amount);
  const limit =
    inWindow.length + 1 > maxCount
      ? { limit: 'velocityCount', text: `at most ${maxCount} payments`, from: inWindow }
      : total > toScaled(maxSum)
        ? { limit: 'velocitySum', text: `at most ${maxSum} ${c.currency}`, from: sameCurrency }
        : undefined;
  if (!limit) return;
  const oldest = limit.from.reduce((min, p) => Math.min(min, p.createdAt.getTime()), now.getTime());
  const retryAfterSeconds = Math.max(
    1,
    Math.ceil((oldest + windowSeconds * 1000 - now.getTime()) / 1000),
  );
  throw new AppError(
    ErrorCode.RATE_LIMITED,
    `Payment limit reached: ${limit.text} per ${windowSeconds} s for this PSU`,
    { reason: 'limit_exceeded', limit: limit.limit, retryAfterSeconds },
  );
}

/** Unusual payments: any flag holds the payment for review instead of sending it. */
export function anomalyFlags(c: Candidate, h: PsuHistory, now: Date, s: RiskSettings): RiskFlag[] {
  const flags: RiskFlag[] = [];
  const amount = toScaled(c.amount);
  const { amountFactor, minHistory, burst, newCreditorAmount } = s.anomaly;
  const typical = median(h.pastAmounts.map(toScaled));
  if (
    h.pastAmounts.length >= minHistory &&
    typical !== undefined &&
    amount > typical * BigInt(amountFactor)
  ) {
    flags.push(RiskFlag.AmountFarAboveHistory);
  }
  if (within(h.recent, now, burst.windowSeconds).length + 1 > burst.count) {
    flags.push(RiskFlag.PaymentBurst);
  }
  if (!h.creditorKnown && amount > toScaled(newCreditorAmount)) {
    flags.push(RiskFlag.NewCreditorHighAmount);
  }
  return flags;
}

function within(payments: readonly PastPayment[], now: Date, seconds: number): PastPayment[] {
  const since = now.getTime() - seconds * 1000;
  return payments.filter((p) => p.createdAt.getTime() > since);
}
