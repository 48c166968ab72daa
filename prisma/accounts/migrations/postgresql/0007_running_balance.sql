-- AlterTable
ALTER TABLE "Transaction" ADD COLUMN     "balanceAfter" TEXT;

-- AlterTable
ALTER TABLE "ReconciliationDiscrepancy" ADD COLUMN     "runningBalanceGaps" INTEGER NOT NULL DEFAULT 0;

