-- AlterTable
ALTER TABLE "Account" ADD COLUMN "quarantinedAt" DATETIME;
ALTER TABLE "Account" ADD COLUMN "reconcileOffset" TEXT;
ALTER TABLE "Account" ADD COLUMN "reconciledAt" DATETIME;
ALTER TABLE "Account" ADD COLUMN "releasedOffset" TEXT;

-- CreateTable
CREATE TABLE "ReconciliationDiscrepancy" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "accountId" TEXT NOT NULL,
    "detectedAt" DATETIME NOT NULL,
    "bookedBalance" TEXT NOT NULL,
    "balanceDateTime" DATETIME NOT NULL,
    "transactionsSum" TEXT NOT NULL,
    "expectedOffset" TEXT NOT NULL,
    "actualOffset" TEXT NOT NULL,
    "difference" TEXT NOT NULL,
    "resolvedAt" DATETIME,
    "resolution" TEXT,
    "resolvedBy" TEXT
);

-- CreateIndex
CREATE INDEX "ReconciliationDiscrepancy_accountId_detectedAt_idx" ON "ReconciliationDiscrepancy"("accountId", "detectedAt");

