import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/shared/config/index.ts';
import { AppError } from '../../src/shared/errors/index.ts';
import {
  anomalyFlags,
  checkConsentAmount,
  checkVelocity,
  scaReasons,
  type PastPayment,
  type PsuHistory,
  type RiskSettings,
} from '../../src/subgraphs/payments/services/risk.ts';

// The rules are pure: no database, no GraphQL, and a frozen clock.
const now = new Date('2026-01-15T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

const settings: RiskSettings = loadConfig({
  PAYMENTS_SCA_THRESHOLD: '100.00',
  PAYMENTS_MAX_AMOUNT_PER_CONSENT: '5000.00',
  PAYMENTS_VELOCITY_WINDOW_SECONDS: '3600',
  PAYMENTS_VELOCITY_MAX_COUNT: '3',
  PAYMENTS_VELOCITY_MAX_SUM: '1000.00',
  PAYMENTS_ANOMALY_AMOUNT_FACTOR: '10',
  PAYMENTS_ANOMALY_MIN_HISTORY: '3',
  PAYMENTS_ANOMALY_BURST_COUNT: '2',
  PAYMENTS_ANOMALY_BURST_WINDOW_SECONDS: '60',
  PAYMENTS_ANOMALY_NEW_CREDITOR_AMOUNT: '500.00',
}).payments;

const paid = (amount: string, secondsAgo: number, currency = 'GBP'): PastPayment => ({
  amount,
  currency,
  createdAt: ago(secondsAgo),
});
const history = (h: Partial<PsuHistory> = {}): PsuHistory => ({
  recent: [],
  pastAmounts: [],
  creditorKnown: true,
  ...h,
});
const gbp = (amount: string) => ({ amount, currency: 'GBP' });

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected a refusal');
}

describe('strong customer authentication triggers', () => {
  it('needs SCA above the threshold, not at it', () => {
    expect(scaReasons(gbp('100.00'), history(), settings)).toEqual([]);
    expect(scaReasons(gbp('100.01'), history(), settings)).toEqual(['AmountAboveThreshold']);
  });

  it('needs SCA for a creditor the PSU never paid, whatever the amount', () => {
    expect(scaReasons(gbp('1.00'), history({ creditorKnown: false }), settings)).toEqual([
      'NewCreditor',
    ]);
    expect(scaReasons(gbp('250'), history({ creditorKnown: false }), settings)).toEqual([
      'AmountAboveThreshold',
      'NewCreditor',
    ]);
  });
});

describe('limits', () => {
  it('refuses a payment consent above the per-consent maximum (FORBIDDEN)', () => {
    expect(() => checkConsentAmount(gbp('5000.00'), settings)).not.toThrow();
    const e = refusal(() => checkConsentAmount(gbp('5000.01'), settings));
    expect(e.code).toBe('FORBIDDEN');
    expect(e.details).toMatchObject({ reason: 'limit_exceeded', limit: 'maxAmountPerConsent' });
  });

  it('counts payments per window: the one over the count is RATE_LIMITED until the oldest leaves', () => {
    const h = history({ recent: [paid('1', 100), paid('1', 600), paid('1', 3000)] });
    const e = refusal(() => checkVelocity(gbp('1'), h, now, settings));
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.details).toMatchObject({ limit: 'velocityCount', retryAfterSeconds: 600 });
    // One of them outside the window: fine again.
    const later = history({ recent: [paid('1', 100), paid('1', 600), paid('1', 3601)] });
    expect(() => checkVelocity(gbp('1'), later, now, settings)).not.toThrow();
  });

  it('sums money per window and currency', () => {
    const h = history({ recent: [paid('600.00', 10), paid('900.00', 20, 'EUR')] });
    expect(() => checkVelocity(gbp('400.00'), h, now, settings)).not.toThrow();
    const e = refusal(() => checkVelocity(gbp('400.01'), h, now, settings));
    expect(e.details).toMatchObject({ limit: 'velocitySum', retryAfterSeconds: 3590 });
    expect(e.message).toMatch(/at most 1000.00 GBP per 3600 s/);
  });
});

describe('anomalies are flagged and held, not refused', () => {
  it('flags an amount far above the PSU’s usual payment, once there is history', () => {
    const usual = ['20.00', '25.00', '30.00'];
    expect(anomalyFlags(gbp('250.00'), history({ pastAmounts: usual }), now, settings)).toEqual([]);
    expect(anomalyFlags(gbp('250.01'), history({ pastAmounts: usual }), now, settings)).toEqual([
      'AmountFarAboveHistory',
    ]);
    // Too little history to judge.
    expect(
      anomalyFlags(gbp('9999'), history({ pastAmounts: ['1.00', '1.00'] }), now, settings),
    ).toEqual([]);
  });

  it('flags a burst of payments in a short window', () => {
    const two = history({ recent: [paid('1', 5), paid('1', 30)] });
    expect(anomalyFlags(gbp('1'), two, now, settings)).toEqual(['PaymentBurst']);
    const spread = history({ recent: [paid('1', 5), paid('1', 61)] });
    expect(anomalyFlags(gbp('1'), spread, now, settings)).toEqual([]);
  });

  it('flags a new creditor together with a high amount', () => {
    expect(anomalyFlags(gbp('500.01'), history({ creditorKnown: false }), now, settings)).toEqual([
      'NewCreditorHighAmount',
    ]);
    expect(anomalyFlags(gbp('500.01'), history(), now, settings)).toEqual([]);
    expect(anomalyFlags(gbp('500.00'), history({ creditorKnown: false }), now, settings)).toEqual(
      [],
    );
  });
});
