import {
  AppError,
  ErrorCode,
  badInput,
  conflict,
  isAppError,
} from '../../../shared/errors/index.ts';
import { paymentAmounts, paymentsInitiated } from '../../../shared/metrics/index.ts';
import type { BankPaymentCreated } from '../connectors/connector.ts';
import { PaymentConsentStatus, PaymentStatus } from '../connectors/status.ts';
import type { PaymentConsentRow, PaymentRow } from '../db/client.ts';
import { ownedBy, type Caller } from './caller.ts';
import { checkIdempotencyKey } from './input.ts';
import { bankIdempotencyKey, orderForBank, sessionBox } from './orders.ts';
import type { BankAuthorisationService } from './bank-authorisation.service.ts';
import { newId, type PaymentConsentService, type PaymentsDeps } from './payment-consent.service.ts';
import type { PisSession } from '../connectors/connector.ts';
import { anomalyFlags, checkVelocity, scaReasons } from './risk.ts';
import { outboxEvents } from '../../../shared/events/subjects.ts';

/** What sending a payment (or holding it) comes to. */
export interface Outcome {
  status: PaymentStatus;
  bankStatus?: string | null;
  bankPaymentId?: string;
  statusReason?: string | null;
  authorisationUrl?: string | null;
  consentStatus?: PaymentConsentStatus;
  /** Berlin Group: the authorisation on the bank's page, kept sealed with the consent. */
  pendingSealed?: string;
}

/** The bank refused the payment itself: retrying the same request would not change that. */
const definitiveRefusals = new Set(['bank_rejected_request', 'consent_invalid']);

/**
 * Submitting a payment: limits, step-up, anomaly hold, then the bank. A consent yields at
 * most one payment: a lease on the consent row keeps racing submissions (other keys, other
 * replicas) from reaching the bank together, and the payment row is unique per consent.
 */
export class SubmissionService {
  constructor(
    private readonly deps: PaymentsDeps & { submissionLeaseMs: number },
    private readonly consents: PaymentConsentService,
    /** Berlin Group: the bank's own page for the payment, back through our callback. */
    private readonly bankPages?: BankAuthorisationService,
  ) {}

  /**
   * `returnUrl` (Berlin Group only): the payment is initiated with our callback as the
   * bank's TPP-Redirect-URI, so its authorisationUrl is the bank's own login and approval
   * page, and the PSU comes back to `returnUrl`. Without it, the bank's own link.
   */
  async submit(
    caller: Caller,
    key: string,
    paymentConsentId: string,
    returnUrl?: string,
  ): Promise<PaymentRow> {
    checkIdempotencyKey(key);
    if (returnUrl !== undefined) {
      if (!this.bankPages) throw badInput('returnUrl is not supported here');
      this.bankPages.checkReturnUrl(returnUrl);
    }
    return this.deps.idempotency.run(
      {
        clientAppId: caller.clientAppId,
        key,
        operation: 'submitPayment',
        input: {
          psuId: caller.psuId,
          consentId: caller.consentId,
          paymentConsentId,
          ...(returnUrl !== undefined ? { returnUrl } : {}),
        },
      },
      async () => {
        const payment = await this.once(caller, paymentConsentId, returnUrl);
        return { resourceId: payment.id, result: payment };
      },
      async (id) => {
        const row = await this.deps.db.domesticPayment.findFirst({
          where: { id, ...ownedBy(caller) },
        });
        if (!row) throw conflict('The payment this key produced is gone');
        return row;
      },
    );
  }

  private async once(caller: Caller, id: string, returnUrl?: string): Promise<PaymentRow> {
    const consent = await this.consents.get(caller, id);
    if (returnUrl !== undefined && consent.standard !== 'berlin-group') {
      throw badInput(
        'returnUrl is for Berlin Group payments; an OBIE consent is authorised on the bank’s page before submission (startPaymentAuthorisation)',
        { reason: 'not_berlin_group' },
      );
    }
    const existing = await this.deps.db.domesticPayment.findUnique({
      where: { paymentConsentId: id },
      select: { id: true },
    });
    if (existing) {
      throw conflict('This payment consent was already submitted', { paymentId: existing.id });
    }
    assertReady(consent);
    await this.lease(id);
    try {
      return await this.decide(caller, consent, returnUrl);
    } finally {
      await this.release(id);
    }
  }

  async release(id: string): Promise<void> {
    await this.deps.db.domesticPaymentConsent.updateMany({
      where: { id },
      data: { submissionLeaseUntil: null },
    });
  }

  private async decide(
    caller: Caller,
    consent: PaymentConsentRow,
    returnUrl?: string,
  ): Promise<PaymentRow> {
    const { clock, risk, history } = this.deps;
    const now = clock.now();
    const past = await history.of(caller.psuId, consent, now);
    checkVelocity(consent, past, now, risk);
    const reasons = scaReasons(consent, past, risk);
    const stepUpDone =
      consent.scaVerifiedAt !== null || this.deps.sca.tokenHasSca(caller.principal);
    if (reasons.length > 0 && !stepUpDone) {
      throw new AppError(
        ErrorCode.FORBIDDEN,
        `Strong customer authentication is required before this payment is submitted (${reasons.join(', ')}): ` +
          'verify a one-time code (requestPaymentChallenge, verifyPaymentChallenge) or use a token with SCA',
        { reason: 'sca_required', scaReasons: reasons },
      );
    }
    const flags = anomalyFlags(consent, past, now, risk);
    if (flags.length > 0) {
      return this.record(consent, {
        status: PaymentStatus.HeldForReview,
        flags: flags.join(' '),
        statusReason: flags.join(' '),
      });
    }
    return this.record(consent, await this.send(consent, returnUrl));
  }

  /**
   * The bank's answer as the payment's outcome: a definitive refusal is a Rejected payment,
   * anything else that fails is thrown (the key derived from the consent makes a retry safe).
   * Held payments that a reviewer approves are sent here too (without a return URL: the
   * bank's own link).
   */
  async send(consent: PaymentConsentRow, returnUrl?: string): Promise<Outcome> {
    const bankPage =
      returnUrl !== undefined && this.bankPages
        ? this.bankPages.paymentRedirect(consent.id, returnUrl)
        : undefined;
    let sent: BankPaymentCreated;
    try {
      sent = await this.consents
        .connector(consent.bankId)
        .submit(orderForBank(consent, this.deps.keys), {
          bankConsentId: consent.bankConsentId ?? undefined,
          session: consent.bankSessionSealed
            ? this.deps.keys.unseal<PisSession>(consent.bankSessionSealed, sessionBox(consent.id))
            : undefined,
          idempotencyKey: bankIdempotencyKey(consent.id, 'payment'),
          ...(bankPage ? { redirect: bankPage.redirect } : {}),
        });
    } catch (error) {
      if (!isAppError(error) || !definitiveRefusals.has(String(error.details['reason'])))
        throw error;
      return {
        status: PaymentStatus.Rejected,
        statusReason: String(error.details['reason']),
        bankStatus: codesOf(error),
        consentStatus: PaymentConsentStatus.Rejected,
      };
    }
    return {
      status: sent.status,
      bankStatus: sent.bankStatus,
      bankPaymentId: sent.bankPaymentId,
      statusReason: sent.reason ?? null,
      authorisationUrl: sent.authorisationUrl ?? null,
      consentStatus: PaymentConsentStatus.Consumed,
      ...(bankPage ? { pendingSealed: bankPage.sealed } : {}),
    };
  }

  /** The payment, its first history entry and the consent's new state, in one transaction. */
  private async record(
    consent: PaymentConsentRow,
    outcome: Outcome & { flags?: string },
  ): Promise<PaymentRow> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const payment: PaymentRow = {
      id: newId('pay'),
      paymentConsentId: consent.id,
      clientAppId: consent.clientAppId,
      psuId: consent.psuId,
      consentId: consent.consentId,
      bankId: consent.bankId,
      bankPaymentId: outcome.bankPaymentId ?? null,
      debtorAccountId: consent.debtorAccountId,
      amount: consent.amount,
      currency: consent.currency,
      creditorName: consent.creditorName,
      creditorScheme: consent.creditorScheme,
      creditorAccount: consent.creditorAccount,
      reference: consent.reference,
      status: outcome.status,
      bankStatus: outcome.bankStatus ?? null,
      statusReason: outcome.statusReason ?? null,
      flags: outcome.flags ?? '',
      authorisationUrl: outcome.authorisationUrl ?? null,
      statusCheckedAt: now,
      createdAt: now,
      updatedAt: now,
    };
    await db.$transaction([
      db.domesticPayment.create({ data: payment }),
      db.paymentStatusChange.create({
        data: {
          paymentId: payment.id,
          fromStatus: null,
          toStatus: payment.status,
          bankStatus: payment.bankStatus,
          reason: payment.statusReason,
          at: now,
        },
      }),
      // The client hears of the payment's first status with the payment itself.
      db.outboxEvent.create({
        data: outboxEvents.paymentStatusChanged(
          {
            paymentId: payment.id,
            paymentConsentId: payment.paymentConsentId,
            consentId: payment.consentId,
            clientId: payment.clientAppId,
            status: payment.status,
          },
          now,
        ),
      }),
      db.domesticPaymentConsent.update({
        where: { id: consent.id },
        data: {
          ...(outcome.consentStatus ? { status: outcome.consentStatus } : {}),
          // The PSU's bank token is single-use once the payment exists; do not keep it. What
          // stays (Berlin Group) is the pending authorisation on the bank's page.
          ...(outcome.consentStatus ? { bankSessionSealed: outcome.pendingSealed ?? null } : {}),
          updatedAt: now,
        },
      }),
    ]);
    // Counted once stored: what an alert on payment volumes should see.
    paymentsInitiated.inc({ currency: payment.currency, status: payment.status });
    paymentAmounts.inc(
      { currency: payment.currency, status: payment.status },
      Number(payment.amount),
    );
    return payment;
  }

  /** One submission or review decision per consent at a time, across replicas. */
  async lease(id: string): Promise<void> {
    const now = this.deps.clock.now();
    const taken = await this.deps.db.domesticPaymentConsent.updateMany({
      where: {
        id,
        OR: [{ submissionLeaseUntil: null }, { submissionLeaseUntil: { lt: now } }],
      },
      data: { submissionLeaseUntil: new Date(now.getTime() + this.deps.submissionLeaseMs) },
    });
    if (taken.count !== 1) {
      throw conflict('This payment consent is being submitted by another request; retry shortly', {
        reason: 'submission_in_progress',
      });
    }
  }
}

/**
 * OBIE: the PSU must have authorised the consent at the bank first. Berlin Group: the PSU
 * authorises the payment after it is initiated, so an unauthorised consent is the ready one.
 */
function assertReady(consent: PaymentConsentRow): void {
  const ready =
    consent.standard === 'obie'
      ? consent.status === PaymentConsentStatus.Authorised
      : consent.status === PaymentConsentStatus.AwaitingAuthorisation;
  if (ready) return;
  if (consent.status === PaymentConsentStatus.AwaitingAuthorisation) {
    throw new AppError(
      ErrorCode.FORBIDDEN,
      'The PSU has not authorised this payment consent at the bank yet',
      { reason: 'consent_not_authorised' },
    );
  }
  throw conflict(`The payment consent is ${consent.status}; create a new one`);
}

function codesOf(error: AppError): string | null {
  const codes = error.details['bankErrorCodes'];
  return Array.isArray(codes) && codes.length > 0 ? codes.map(String).join(' ') : null;
}
