-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "quarantinedAt" TIMESTAMP(3),
ADD COLUMN     "reconcileOffset" TEXT,
ADD COLUMN     "reconciledAt" TIMESTAMP(3),
ADD COLUMN     "releasedOffset" TEXT;

-- CreateTable
CREATE TABLE "ReconciliationDiscrepancy" (
    "id" SERIAL NOT NULL,
    "accountId" TEXT NOT NULL,
    "detectedAt" TIMESTAMP(3) NOT NULL,
    "bookedBalance" TEXT NOT NULL,
    "balanceDateTime" TIMESTAMP(3) NOT NULL,
    "transactionsSum" TEXT NOT NULL,
    "expectedOffset" TEXT NOT NULL,
    "actualOffset" TEXT NOT NULL,
    "difference" TEXT NOT NULL,
    "resolvedAt" TIMESTAMP(3),
    "resolution" TEXT,
    "resolvedBy" TEXT,

    CONSTRAINT "ReconciliationDiscrepancy_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReconciliationDiscrepancy_accountId_detectedAt_idx" ON "ReconciliationDiscrepancy"("accountId", "detectedAt");

