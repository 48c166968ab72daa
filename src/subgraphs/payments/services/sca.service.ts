import { randomInt, randomUUID } from 'node:crypto';
import type { Principal } from '../../../shared/auth/principal.ts';
import type { Clock } from '../../../shared/clock.ts';
import type { PaymentsConfig } from '../../../shared/config/index.ts';
import { AppError, ErrorCode, badInput, conflict } from '../../../shared/errors/index.ts';
import type { PaymentsDb } from '../db/client.ts';
import type { Keyring } from './keyring.ts';

/** New challenges per payment consent: with 3 attempts each, guessing stays at 15 in 10^6. */
export const MAX_CHALLENGES_PER_CONSENT = 5;

export interface IssuedChallenge {
  id: string;
  paymentConsentId: string;
  expiresAt: Date;
  attemptsAllowed: number;
  /** Only ever handed out for sandbox banks; a real PSU gets it on their own device. */
  code: string;
}

const scaRequired = (message: string, extra: Record<string, unknown> = {}) =>
  new AppError(ErrorCode.FORBIDDEN, message, { reason: 'sca_failed', ...extra });

/**
 * Step-up authentication for risky payments: a one-time code bound to one payment consent
 * (so to its amount and creditor, PSD2 dynamic linking), six digits, limited attempts,
 * short-lived, stored only as an HMAC and compared in constant time. A token whose `acr`
 * is one of the configured SCA values counts as step-up too.
 */
export class ScaService {
  constructor(
    private readonly db: PaymentsDb,
    private readonly keys: Keyring,
    private readonly clock: Clock,
    private readonly settings: PaymentsConfig['sca'],
  ) {}

  /** The token itself proves SCA (the issuer states it in `acr`). */
  tokenHasSca(principal: Principal): boolean {
    return principal.acr !== undefined && this.settings.acrValues.includes(principal.acr);
  }

  async issue(paymentConsentId: string): Promise<IssuedChallenge> {
    const issued = await this.db.scaChallenge.count({ where: { paymentConsentId } });
    if (issued >= MAX_CHALLENGES_PER_CONSENT) {
      throw scaRequired(
        `No more challenges for this payment consent (${MAX_CHALLENGES_PER_CONSENT} issued); create a new consent`,
      );
    }
    const now = this.clock.now();
    const id = `sca_${randomUUID()}`;
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(now.getTime() + this.settings.codeTtlSeconds * 1000);
    await this.db.scaChallenge.create({
      data: {
        id,
        paymentConsentId,
        codeHash: this.keys.mac(`${id}:${code}`),
        maxAttempts: this.settings.maxAttempts,
        expiresAt,
        createdAt: now,
      },
    });
    return { id, paymentConsentId, expiresAt, attemptsAllowed: this.settings.maxAttempts, code };
  }

  /**
   * Checks the code against the consent's latest challenge. The attempt is counted
   * (compare-and-set) before the comparison, so parallel guesses cannot exceed the limit.
   * On success the consent records when and how SCA was done.
   */
  async verify(paymentConsentId: string, code: string): Promise<void> {
    if (!/^\d{6}$/.test(code)) throw badInput('code must be the 6 digits sent to the PSU');
    const challenge = await this.db.scaChallenge.findFirst({
      where: { paymentConsentId },
      orderBy: { createdAt: 'desc' },
    });
    if (!challenge) throw badInput('No challenge was issued for this payment consent');
    const now = this.clock.now();
    if (challenge.verifiedAt) throw conflict('This challenge was already verified');
    if (challenge.expiresAt.getTime() <= now.getTime()) {
      throw scaRequired('The challenge has expired; request a new one');
    }
    if (challenge.attempts >= challenge.maxAttempts) {
      throw scaRequired('No attempts left for this challenge; request a new one');
    }
    const counted = await this.db.scaChallenge.updateMany({
      where: { id: challenge.id, attempts: challenge.attempts, verifiedAt: null },
      data: { attempts: challenge.attempts + 1 },
    });
    if (counted.count !== 1) throw conflict('Another attempt is being checked; retry');
    if (!this.keys.macMatches(`${challenge.id}:${code}`, challenge.codeHash)) {
      const left = challenge.maxAttempts - challenge.attempts - 1;
      throw scaRequired(`Wrong code; ${left} attempt${left === 1 ? '' : 's'} left`, {
        attemptsLeft: left,
      });
    }
    await this.db.$transaction([
      this.db.scaChallenge.update({ where: { id: challenge.id }, data: { verifiedAt: now } }),
      this.db.domesticPaymentConsent.update({
        where: { id: paymentConsentId },
        data: { scaVerifiedAt: now, scaMethod: 'otp', updatedAt: now },
      }),
    ]);
  }
}
