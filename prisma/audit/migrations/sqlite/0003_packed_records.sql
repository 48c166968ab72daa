-- Records move from a row each (AuditRecord) into one packed column per batch
-- (src/shared/audit/records.ts), with AuditFieldUse as the index search goes through.
-- Batches already written are converted to format 1: every record kept whole, in order, and
-- still hashed as migration 0001 wrote it, so the chain verifies across the change.

-- CreateTable
CREATE TABLE "AuditFieldUse" (
    "batchSeq" BIGINT NOT NULL,
    "fieldPath" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    PRIMARY KEY ("batchSeq", "fieldPath", "outcome"),
    CONSTRAINT "AuditFieldUse_batchSeq_fkey" FOREIGN KEY ("batchSeq") REFERENCES "AuditBatch" ("seq") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AuditBatch" (
    "seq" BIGINT NOT NULL PRIMARY KEY,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "service" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "principalKind" TEXT NOT NULL,
    "principalId" TEXT,
    "clientId" TEXT,
    "psuId" TEXT,
    "consentId" TEXT,
    "operationName" TEXT,
    "operationType" TEXT,
    "recordCount" INTEGER NOT NULL,
    "format" INTEGER NOT NULL DEFAULT 2,
    "records" TEXT NOT NULL DEFAULT ''
);
-- Format 1: a JSON list of [at, fieldPath, responsePath, args, outcome, errorCode] by idx.
INSERT INTO "new_AuditBatch" ("at", "clientId", "consentId", "hash", "operationName", "operationType", "prevHash", "principalId", "principalKind", "psuId", "recordCount", "requestId", "seq", "service", "format", "records")
SELECT b."at", b."clientId", b."consentId", b."hash", b."operationName", b."operationType", b."prevHash", b."principalId", b."principalKind", b."psuId", b."recordCount", b."requestId", b."seq", b."service", 1,
  (SELECT json_group_array(json_array(r."at", r."fieldPath", r."responsePath", r."args", r."outcome", r."errorCode") ORDER BY r."idx")
     FROM "AuditRecord" r WHERE r."batchSeq" = b."seq")
FROM "AuditBatch" b;
INSERT INTO "AuditFieldUse" ("batchSeq", "fieldPath", "outcome", "count")
SELECT "batchSeq", "fieldPath", "outcome", count(*) FROM "AuditRecord" GROUP BY "batchSeq", "fieldPath", "outcome";
DROP INDEX "AuditRecord_fieldPath_batchSeq_idx";
DROP TABLE "AuditRecord";
DROP TABLE "AuditBatch";
ALTER TABLE "new_AuditBatch" RENAME TO "AuditBatch";
CREATE INDEX "AuditBatch_at_idx" ON "AuditBatch"("at");
CREATE INDEX "AuditBatch_requestId_idx" ON "AuditBatch"("requestId");
CREATE INDEX "AuditBatch_psuId_seq_idx" ON "AuditBatch"("psuId", "seq");
CREATE INDEX "AuditBatch_clientId_seq_idx" ON "AuditBatch"("clientId", "seq");
CREATE INDEX "AuditBatch_consentId_seq_idx" ON "AuditBatch"("consentId", "seq");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "AuditFieldUse_fieldPath_batchSeq_idx" ON "AuditFieldUse"("fieldPath", "batchSeq");

-- CreateIndex
CREATE INDEX "AuditFieldUse_outcome_batchSeq_idx" ON "AuditFieldUse"("outcome", "batchSeq");
