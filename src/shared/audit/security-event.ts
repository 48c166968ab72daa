import { CallLog, fieldId, pathNode } from './call-log.ts';
import { redactArguments } from './redact.ts';
import type { AuditOutcome, AuditSink, ChainLink, PrincipalKindOrAnonymous } from './types.ts';

/** Something that happened outside any GraphQL request, e.g. a credential lockout. */
export interface SecurityEvent {
  at: Date;
  service: string;
  /** The HTTP request it happened in (x-fapi-interaction-id, or a generated id). */
  requestId: string;
  /** `Security.<event>`, the record's field path: `Security.credentialLockout`. */
  event: `Security.${string}`;
  /** Who the event is about: the PSU or client whose credentials were locked. */
  principalKind: PrincipalKindOrAnonymous;
  principalId: string | null;
  clientId: string | null;
  psuId: string | null;
  /** Stored as the record's arguments, redacted like any (never a password). */
  details: Record<string, unknown>;
  outcome: AuditOutcome;
  errorCode: string | null;
}

/**
 * Appends one event as a batch of one record to the same hash chain the recorder writes
 * (same sink, same verify), for code that runs outside a resolver: the token endpoint's
 * lockouts. Resolves once committed; rejects when the store cannot be written.
 */
export function recordSecurityEvent(sink: AuditSink, e: SecurityEvent): Promise<ChainLink> {
  const at = e.at.getTime();
  const calls = new CallLog(at);
  const name = e.event.slice('Security.'.length);
  calls.add(fieldId(e.event), pathNode(undefined, name), redactArguments(e.details), at, {
    outcome: e.outcome,
    errorCode: e.errorCode,
  });
  return sink.append({
    at: e.at,
    service: e.service,
    requestId: e.requestId,
    principalKind: e.principalKind,
    principalId: e.principalId,
    clientId: e.clientId,
    psuId: e.psuId,
    consentId: null,
    operationName: null,
    operationType: null,
    records: calls.pack(),
  });
}
