-- AlterTable
ALTER TABLE "Transaction" ADD COLUMN "matchCandidates" TEXT;
ALTER TABLE "Transaction" ADD COLUMN "matchConfidence" REAL;
ALTER TABLE "Transaction" ADD COLUMN "matchedAt" DATETIME;
ALTER TABLE "Transaction" ADD COLUMN "pendingAmount" TEXT;
ALTER TABLE "Transaction" ADD COLUMN "pendingDateTime" DATETIME;
ALTER TABLE "Transaction" ADD COLUMN "reportedId" TEXT;

-- CreateIndex
CREATE INDEX "Transaction_reportedId_idx" ON "Transaction"("reportedId");

