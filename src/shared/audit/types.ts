import type { PackedRecords } from './records.ts';

/** ok: the resolver returned; denied: FORBIDDEN or UNAUTHENTICATED; error: anything else. */
export type AuditOutcome = 'ok' | 'denied' | 'error' | 'started';

/** One resolver call. `started` marks a mutation field recorded before it runs. */
export interface AuditRecordInput {
  at: Date;
  /** `Type.field`, or `Type.__resolveReference` for entity resolution. */
  fieldPath: string;
  /** Dot-separated response path, e.g. `consent.accounts.0.balances`. */
  responsePath: string;
  /** Redacted canonical JSON (see redact.ts), or null without arguments. */
  args: string | null;
  outcome: AuditOutcome;
  errorCode: string | null;
}

export type PrincipalKindOrAnonymous = 'psu' | 'client' | 'consent' | 'anonymous';

/** Who made the request, and under which consent: the same for every record of a batch. */
export interface AuditRequestInfo {
  at: Date;
  service: string;
  requestId: string;
  principalKind: PrincipalKindOrAnonymous;
  /** The PSU id for psu and consent principals, the client id for client principals. */
  principalId: string | null;
  clientId: string | null;
  psuId: string | null;
  consentId: string | null;
  operationName: string | null;
  operationType: string | null;
  /**
   * The PSU's jurisdiction (UK, EU; src/shared/jurisdiction) when the request was made under
   * a consent whose grant carried it; null or absent otherwise. Covered by format 3's hash.
   */
  jurisdiction?: string | null;
}

/** The records of one request in one subgraph, written together as one link of the chain. */
export interface AuditBatchInput extends AuditRequestInfo {
  records: PackedRecords;
}

/** Where a batch landed in the chain. */
export interface ChainLink {
  seq: bigint;
  hash: string;
}

/** A stored record with its request's details, as search and export return it. */
export interface AuditRecordView extends AuditRequestInfo {
  seq: bigint;
  idx: number;
  recordAt: Date;
  fieldPath: string;
  responsePath: string;
  args: string | null;
  outcome: AuditOutcome;
  errorCode: string | null;
}

/** Anything the recorder can append batches to (the store, or a test double). */
export interface AuditSink {
  append(batch: AuditBatchInput): Promise<ChainLink>;
}
