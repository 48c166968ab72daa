-- AlterTable
ALTER TABLE "Transaction" ADD COLUMN     "matchCandidates" TEXT,
ADD COLUMN     "matchConfidence" DOUBLE PRECISION,
ADD COLUMN     "matchedAt" TIMESTAMP(3),
ADD COLUMN     "pendingAmount" TEXT,
ADD COLUMN     "pendingDateTime" TIMESTAMP(3),
ADD COLUMN     "reportedId" TEXT;

-- CreateIndex
CREATE INDEX "Transaction_reportedId_idx" ON "Transaction"("reportedId");

