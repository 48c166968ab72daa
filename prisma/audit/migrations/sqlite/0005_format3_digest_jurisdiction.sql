-- AlterTable
ALTER TABLE "AuditBatch" ADD COLUMN "erasedAt" DATETIME;
ALTER TABLE "AuditBatch" ADD COLUMN "jurisdiction" TEXT;
ALTER TABLE "AuditBatch" ADD COLUMN "recordsDigest" TEXT;

