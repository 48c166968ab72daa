/**
 * The audit log: every resolver call of every subgraph, recorded before its response leaves,
 * in a hash chain that `audit verify` walks. See docs/DECISIONS.md "Audit log".
 */
export { verifyArchives, type ArchiveResult } from './archive.ts';
export { canonicalJson, sha256Hex } from './canonical.ts';
export { batchBody, genesisHash, linkHash } from './chain.ts';
export {
  checkpointMismatch,
  checkpointSignatureValid,
  loadCheckpointKey,
  loadPublicKey,
  signCheckpoint,
  type Checkpoint,
} from './checkpoint.ts';
export { auditStoreDir, migrateAuditDb, openAuditDb, type AuditDb } from './db.ts';
export { csvHeader, formatRecord, type ExportFormat } from './export.ts';
export {
  eraseAuditRecords,
  erasureService,
  type AuditErasure,
  type AuditErasureRequest,
} from './erasure.ts';
export { pruneAudit, type PruneResult } from './prune.ts';
export {
  pruneExpired,
  scheduleRetention,
  type RetentionOptions,
  type RetentionSchedule,
} from './retention.ts';
export {
  auditedReference,
  createAuditRecorder,
  type AuditRecorder,
  type AuditRecorderOptions,
} from './recorder.ts';
export { isSecretKey, redactArguments, redacted } from './redact.ts';
export { recordSecurityEvent, type SecurityEvent } from './security-event.ts';
export {
  allRecords,
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  maxPageSize,
  searchAudit,
  type AuditFilter,
  type AuditPage,
  type AuditPageRequest,
} from './search.ts';
export { AuditChainError, AuditStore, type AuditStoreOptions } from './store.ts';
export type * from './types.ts';
export { verifyChain, type VerifyResult } from './verify.ts';
