-- AlterTable
ALTER TABLE "Transaction" ADD COLUMN "balanceAfter" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ReconciliationDiscrepancy" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "accountId" TEXT NOT NULL,
    "detectedAt" DATETIME NOT NULL,
    "bookedBalance" TEXT NOT NULL,
    "balanceDateTime" DATETIME NOT NULL,
    "transactionsSum" TEXT NOT NULL,
    "expectedOffset" TEXT NOT NULL,
    "actualOffset" TEXT NOT NULL,
    "difference" TEXT NOT NULL,
    "runningBalanceGaps" INTEGER NOT NULL DEFAULT 0,
    "resolvedAt" DATETIME,
    "resolution" TEXT,
    "resolvedBy" TEXT
);
INSERT INTO "new_ReconciliationDiscrepancy" ("accountId", "actualOffset", "balanceDateTime", "bookedBalance", "detectedAt", "difference", "expectedOffset", "id", "resolution", "resolvedAt", "resolvedBy", "transactionsSum") SELECT "accountId", "actualOffset", "balanceDateTime", "bookedBalance", "detectedAt", "difference", "expectedOffset", "id", "resolution", "resolvedAt", "resolvedBy", "transactionsSum" FROM "ReconciliationDiscrepancy";
DROP TABLE "ReconciliationDiscrepancy";
ALTER TABLE "new_ReconciliationDiscrepancy" RENAME TO "ReconciliationDiscrepancy";
CREATE INDEX "ReconciliationDiscrepancy_accountId_detectedAt_idx" ON "ReconciliationDiscrepancy"("accountId", "detectedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

