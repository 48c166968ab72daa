import {
  allRecords,
  InvalidCursorError,
  searchAudit,
  type AuditFilter,
  type AuditPage,
  type AuditRecordView,
  type AuditStore,
} from '../../../shared/audit/index.ts';
import type { Principal } from '../../../shared/auth/principal.ts';
import { PlatformScope } from '../../../shared/auth/permissions.ts';
import {
  badInput,
  forbidden,
  notFound,
  upstreamUnavailable,
} from '../../../shared/errors/index.ts';
import type { ConsentDb } from '../db/client.ts';
import type { ConsentRecord } from './consent.service.ts';

/**
 * The compliance read side: audit search and consent review, for holders of `audit:read`
 * only (shield checks the scope per field; this checks it again, so no other caller of the
 * service can skip it). Compliance sees every consent, not only its own.
 */
export class AuditReadService {
  constructor(
    private readonly store: AuditStore | undefined,
    private readonly db: ConsentDb,
  ) {}

  async search(
    principal: Principal,
    filter: AuditFilter,
    page: { first: number; after?: string | null },
  ): Promise<AuditPage> {
    this.assertAuditor(principal);
    if (!this.store) throw upstreamUnavailable('The audit store is not configured in this service');
    if (page.first < 0) throw badInput('first must not be negative');
    if (filter.from && filter.to && filter.from >= filter.to)
      throw badInput('from must be before to');
    try {
      return await searchAudit(this.store.db, filter, page);
    } catch (e) {
      if (e instanceof InvalidCursorError) throw badInput('Invalid cursor');
      throw e;
    }
  }

  /**
   * Every matching record, oldest first, for the compliance console's export: the same
   * filter and scope check as search, without its page limit.
   */
  export(principal: Principal, filter: AuditFilter): AsyncGenerator<AuditRecordView> {
    this.assertAuditor(principal);
    if (!this.store) throw upstreamUnavailable('The audit store is not configured in this service');
    if (filter.from && filter.to && filter.from >= filter.to)
      throw badInput('from must be before to');
    return allRecords(this.store.db, filter);
  }

  /** A consent's status changes, oldest first (what `Consent.statusHistory` answers). */
  async history(principal: Principal, id: string) {
    this.assertAuditor(principal);
    return this.db.consentStatusChange.findMany({
      where: { consentId: id },
      orderBy: { id: 'asc' },
    });
  }

  /** A consent as granted, whoever its parties are. */
  async consent(principal: Principal, id: string): Promise<ConsentRecord> {
    this.assertAuditor(principal);
    const consent = await this.db.consent.findUnique({ where: { id } });
    if (!consent) throw notFound('No such consent');
    return consent;
  }

  private assertAuditor(principal: Principal): void {
    if (!principal.scopes.includes(PlatformScope.AuditRead)) {
      throw forbidden(`This needs the ${PlatformScope.AuditRead} scope`);
    }
  }
}
