import { searchAudit, type AuditStore } from '../../../shared/audit/index.ts';

/**
 * When a consent was last used, for its own PSU's access dashboard: read from the audit log,
 * which already records every resolver call under a consent, newest first by an index on
 * (consentId, seq). Only the time leaves here, never the record: the PSU is not an auditor.
 */
export class ConsentUsage {
  constructor(private readonly store: AuditStore | undefined) {}

  /** null: never used, or no audit store in this service (the page says "not known"). */
  async lastUsedAt(consentId: string): Promise<Date | null | undefined> {
    if (!this.store) return undefined;
    const page = await searchAudit(this.store.db, { consentId }, { first: 1 });
    return page.records[0]?.at ?? null;
  }
}
