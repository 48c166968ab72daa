import { badInput, notFound } from '../../../shared/errors/index.ts';
import type { Logger } from '../../../shared/log/index.ts';
import type { PisConnector } from '../connectors/connector.ts';
import { finalStatuses, type PaymentStatus } from '../connectors/status.ts';
import type { PaymentRow, PaymentStatusChangeRow, PaymentsDb } from '../db/client.ts';
import type { Clock } from '../../../shared/clock.ts';
import { ownedBy, type Caller } from './caller.ts';
import { outboxEvents } from '../../../shared/events/subjects.ts';

export interface PaymentReadDeps {
  db: PaymentsDb;
  clock: Clock;
  connectors: ReadonlyMap<string, PisConnector>;
  log: Logger;
  /** A stored status younger than this is answered without asking the bank. */
  freshnessSeconds: number;
}

export const MAX_PAGE = 100;
/** Status reads in flight per list: a long list must not fan out to the banks all at once. */
const REFRESH_CONCURRENCY = 4;

/**
 * Reading payments. A read refreshes a payment's status from the bank when it is not final
 * and older than the freshness window; if the bank cannot answer, the stored status is
 * served (its statusCheckedAt says how old it is) rather than failing the read.
 */
export class PaymentService {
  constructor(private readonly deps: PaymentReadDeps) {}

  async list(caller: Caller, first: number): Promise<PaymentRow[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
      throw badInput(`first must be between 1 and ${MAX_PAGE}`, { field: 'first' });
    }
    const rows = await this.deps.db.domesticPayment.findMany({
      where: ownedBy(caller),
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: first,
    });
    const out: PaymentRow[] = [];
    for (let i = 0; i < rows.length; i += REFRESH_CONCURRENCY) {
      out.push(
        ...(await Promise.all(rows.slice(i, i + REFRESH_CONCURRENCY).map((r) => this.fresh(r)))),
      );
    }
    return out;
  }

  async get(caller: Caller, id: string): Promise<PaymentRow> {
    const row = await this.deps.db.domesticPayment.findFirst({ where: { id, ...ownedBy(caller) } });
    if (!row) throw notFound('No such payment');
    return this.fresh(row);
  }

  /** For entity references and nested fields: stored state, no bank calls. */
  async byIds(caller: Caller, ids: readonly string[]): Promise<(PaymentRow | null)[]> {
    const rows = await this.deps.db.domesticPayment.findMany({
      where: { id: { in: [...ids] }, ...ownedBy(caller) },
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async byConsentIds(ids: readonly string[]): Promise<(PaymentRow | null)[]> {
    const rows = await this.deps.db.domesticPayment.findMany({
      where: { paymentConsentId: { in: [...ids] } },
    });
    const byConsent = new Map(rows.map((r) => [r.paymentConsentId, r]));
    return ids.map((id) => byConsent.get(id) ?? null);
  }

  async histories(paymentIds: readonly string[]): Promise<PaymentStatusChangeRow[][]> {
    const rows = await this.deps.db.paymentStatusChange.findMany({
      where: { paymentId: { in: [...paymentIds] } },
      orderBy: { id: 'asc' },
    });
    return paymentIds.map((id) => rows.filter((r) => r.paymentId === id));
  }

  /**
   * Refreshes from the bank when due (`force`: whatever its age, as when the PSU is just back
   * from the bank's page). Exactly one concurrent reader asks the bank.
   */
  async fresh(row: PaymentRow, force = false): Promise<PaymentRow> {
    const { db, clock, connectors, freshnessSeconds } = this.deps;
    if (!row.bankPaymentId || finalStatuses.has(row.status as PaymentStatus)) return row;
    const now = clock.now();
    const young = now.getTime() - row.statusCheckedAt.getTime() < freshnessSeconds * 1000;
    if (young && !force) return row;
    const claimed = await db.domesticPayment.updateMany({
      where: { id: row.id, statusCheckedAt: row.statusCheckedAt },
      data: { statusCheckedAt: now },
    });
    if (claimed.count !== 1)
      return (await db.domesticPayment.findUnique({ where: { id: row.id } })) ?? row;
    const connector = connectors.get(row.bankId);
    if (!connector) return row;
    let state;
    try {
      state = await connector.status(row.bankPaymentId);
    } catch (error) {
      this.deps.log.warn('payment status refresh failed', {
        paymentId: row.id,
        bankId: row.bankId,
        error,
      });
      return { ...row, statusCheckedAt: now };
    }
    if (state.status === row.status && state.bankStatus === row.bankStatus) {
      return { ...row, statusCheckedAt: now };
    }
    const reason = state.reason ?? null;
    const [updated] = await db.$transaction([
      db.domesticPayment.update({
        where: { id: row.id },
        data: {
          status: state.status,
          bankStatus: state.bankStatus,
          statusReason: reason,
          updatedAt: now,
        },
      }),
      db.paymentStatusChange.create({
        data: {
          paymentId: row.id,
          fromStatus: row.status,
          toStatus: state.status,
          bankStatus: state.bankStatus,
          reason,
          at: now,
        },
      }),
      db.outboxEvent.create({
        data: outboxEvents.paymentStatusChanged(
          {
            paymentId: row.id,
            paymentConsentId: row.paymentConsentId,
            consentId: row.consentId,
            clientId: row.clientAppId,
            status: state.status,
            previousStatus: row.status,
          },
          now,
        ),
      }),
    ]);
    return updated;
  }
}
