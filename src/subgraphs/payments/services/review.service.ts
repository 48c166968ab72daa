import type { Principal } from '../../../shared/auth/principal.ts';
import { AppError, ErrorCode, badInput, conflict, notFound } from '../../../shared/errors/index.ts';
import { outboxEvents } from '../../../shared/events/subjects.ts';
import { PaymentConsentStatus, PaymentStatus } from '../connectors/status.ts';
import type { PaymentConsentRow, PaymentRow } from '../db/client.ts';
import type { PaymentsDeps } from './payment-consent.service.ts';
import { MAX_PAGE } from './payment.service.ts';
import type { Outcome, SubmissionService } from './submission.service.ts';

export const MAX_REJECT_REASON = 500;

export interface HeldPage {
  items: PaymentRow[];
  /** Pass as `after` for the next page; null on the last one. */
  nextCursor: string | null;
}

/**
 * The review queue of payments the risk rules held. A decision is taken under the payment
 * consent's submission lease (one decision or submission in flight per consent) and written
 * compare-and-set on status HeldForReview, so of two racing reviewers exactly one wins.
 *
 * Approving sends the payment as submission would have. The PSU's SCA was checked before
 * the hold (the SCA gate runs before the anomaly rules, see SubmissionService.decide), and a
 * bank that wants its own SCA (Berlin Group) answers with an authorisationUrl for the PSU.
 */
export class ReviewService {
  constructor(
    private readonly deps: PaymentsDeps,
    private readonly submissions: SubmissionService,
  ) {}

  /** Held payments, oldest first: the longest-waiting PSU is seen first. */
  async queue(first: number, after?: string | null): Promise<HeldPage> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
      throw badInput(`first must be between 1 and ${MAX_PAGE}`, { field: 'first' });
    }
    const from = after ? decodeCursor(after) : undefined;
    const rows = await this.deps.db.domesticPayment.findMany({
      where: {
        status: PaymentStatus.HeldForReview,
        ...(from
          ? {
              OR: [
                { createdAt: { gt: from.createdAt } },
                { createdAt: from.createdAt, id: { gt: from.id } },
              ],
            }
          : {}),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: first + 1,
    });
    const items = rows.slice(0, first);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > first && last ? encodeCursor(last) : null };
  }

  async approve(reviewer: Principal, paymentId: string): Promise<PaymentRow> {
    return this.decide(reviewer, paymentId, 'approved', (consent) =>
      this.submissions.send(consent),
    );
  }

  async reject(reviewer: Principal, paymentId: string, reason: string): Promise<PaymentRow> {
    const text = reason.trim();
    if (text.length < 1 || text.length > MAX_REJECT_REASON) {
      throw badInput(`reason must be 1 to ${MAX_REJECT_REASON} characters`, { field: 'reason' });
    }
    return this.decide(reviewer, paymentId, 'rejected', () =>
      Promise.resolve({
        status: PaymentStatus.Rejected,
        statusReason: `Rejected on review: ${text}`,
        consentStatus: PaymentConsentStatus.Rejected,
      }),
    );
  }

  private async decide(
    reviewer: Principal,
    paymentId: string,
    decision: 'approved' | 'rejected',
    outcomeOf: (consent: PaymentConsentRow) => Promise<Outcome>,
  ): Promise<PaymentRow> {
    const { db } = this.deps;
    const held = await db.domesticPayment.findUnique({ where: { id: paymentId } });
    if (!held) throw notFound('No such payment');
    // A reviewer whose own app (or own PSU account) made the payment does not judge it.
    if (held.clientAppId === reviewer.clientId || held.psuId === reviewer.subject) {
      throw new AppError(ErrorCode.FORBIDDEN, 'A reviewer cannot decide their own payment', {
        reason: 'own_payment',
      });
    }
    assertHeld(held);
    await this.submissions.lease(held.paymentConsentId);
    try {
      const consent = await db.domesticPaymentConsent.findUniqueOrThrow({
        where: { id: held.paymentConsentId },
      });
      // Re-read under the lease: a decision that finished meanwhile is not taken twice.
      assertHeld(await db.domesticPayment.findUniqueOrThrow({ where: { id: paymentId } }));
      const outcome = await outcomeOf(consent);
      return await this.write(held, outcome, reviewer, decision);
    } finally {
      await this.submissions.release(held.paymentConsentId);
    }
  }

  /** Compare-and-set on HeldForReview; the history entry, event and consent in one transaction. */
  private async write(
    held: PaymentRow,
    outcome: Outcome,
    reviewer: Principal,
    decision: 'approved' | 'rejected',
  ): Promise<PaymentRow> {
    const now = this.deps.clock.now();
    const reviewReason =
      decision === 'approved'
        ? `Approved on review${outcome.statusReason ? `; bank: ${outcome.statusReason}` : ''}`
        : (outcome.statusReason ?? 'Rejected on review');
    return this.deps.db.$transaction(async (tx) => {
      const won = await tx.domesticPayment.updateMany({
        where: { id: held.id, status: PaymentStatus.HeldForReview },
        data: {
          status: outcome.status,
          bankStatus: outcome.bankStatus ?? null,
          bankPaymentId: outcome.bankPaymentId ?? null,
          statusReason: outcome.statusReason ?? null,
          authorisationUrl: outcome.authorisationUrl ?? null,
          statusCheckedAt: now,
          updatedAt: now,
        },
      });
      if (won.count !== 1) throw alreadyDecided();
      await tx.paymentStatusChange.create({
        data: {
          paymentId: held.id,
          fromStatus: held.status,
          toStatus: outcome.status,
          bankStatus: outcome.bankStatus ?? null,
          reason: reviewReason,
          decidedBy: reviewer.subject,
          at: now,
        },
      });
      await tx.outboxEvent.create({
        data: outboxEvents.paymentStatusChanged(
          {
            paymentId: held.id,
            paymentConsentId: held.paymentConsentId,
            consentId: held.consentId,
            clientId: held.clientAppId,
            status: outcome.status,
            previousStatus: held.status,
          },
          now,
        ),
      });
      await tx.domesticPaymentConsent.update({
        where: { id: held.paymentConsentId },
        data: {
          ...(outcome.consentStatus ? { status: outcome.consentStatus } : {}),
          // Decided either way: the PSU's single-use bank token has no further use.
          bankSessionSealed: null,
          updatedAt: now,
        },
      });
      return tx.domesticPayment.findUniqueOrThrow({ where: { id: held.id } });
    });
  }
}

function assertHeld(payment: PaymentRow): void {
  if (payment.status !== PaymentStatus.HeldForReview) throw alreadyDecided(payment.status);
}

const alreadyDecided = (status?: string) =>
  conflict('This payment is not held for review (it was decided already)', {
    reason: 'not_held',
    ...(status ? { status } : {}),
  });

function encodeCursor(row: PaymentRow): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) {
    throw badInput('after is not a cursor this query returned', { field: 'after' });
  }
  return { createdAt, id };
}
