-- CreateTable
CREATE TABLE "AuditBatch" (
    "seq" BIGINT NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
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

    CONSTRAINT "AuditBatch_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "AuditRecord" (
    "batchSeq" BIGINT NOT NULL,
    "idx" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "fieldPath" TEXT NOT NULL,
    "responsePath" TEXT NOT NULL,
    "args" TEXT,
    "outcome" TEXT NOT NULL,
    "errorCode" TEXT,

    CONSTRAINT "AuditRecord_pkey" PRIMARY KEY ("batchSeq","idx")
);

-- CreateTable
CREATE TABLE "AuditHead" (
    "id" INTEGER NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuditHead_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditAnchor" (
    "id" INTEGER NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "prunedAt" TIMESTAMP(3) NOT NULL,
    "archive" TEXT NOT NULL,
    "archiveSha256" TEXT NOT NULL,

    CONSTRAINT "AuditAnchor_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "AuditRecord" ADD CONSTRAINT "AuditRecord_batchSeq_fkey" FOREIGN KEY ("batchSeq") REFERENCES "AuditBatch"("seq") ON DELETE RESTRICT ON UPDATE CASCADE;

