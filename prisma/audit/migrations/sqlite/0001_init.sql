-- CreateTable
CREATE TABLE "AuditBatch" (
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
    "recordCount" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "AuditRecord" (
    "batchSeq" BIGINT NOT NULL,
    "idx" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "fieldPath" TEXT NOT NULL,
    "responsePath" TEXT NOT NULL,
    "args" TEXT,
    "outcome" TEXT NOT NULL,
    "errorCode" TEXT,

    PRIMARY KEY ("batchSeq", "idx"),
    CONSTRAINT "AuditRecord_batchSeq_fkey" FOREIGN KEY ("batchSeq") REFERENCES "AuditBatch" ("seq") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditHead" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AuditAnchor" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "prunedAt" DATETIME NOT NULL,
    "archive" TEXT NOT NULL,
    "archiveSha256" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "AuditBatch_at_idx" ON "AuditBatch"("at");

-- CreateIndex
CREATE INDEX "AuditBatch_requestId_idx" ON "AuditBatch"("requestId");

-- CreateIndex
CREATE INDEX "AuditBatch_psuId_seq_idx" ON "AuditBatch"("psuId", "seq");

-- CreateIndex
CREATE INDEX "AuditBatch_clientId_seq_idx" ON "AuditBatch"("clientId", "seq");

-- CreateIndex
CREATE INDEX "AuditBatch_consentId_seq_idx" ON "AuditBatch"("consentId", "seq");

-- CreateIndex
CREATE INDEX "AuditRecord_fieldPath_batchSeq_idx" ON "AuditRecord"("fieldPath", "batchSeq");

