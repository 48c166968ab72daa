-- The demo accounts seeded before bank connections existed were made up, and held account
-- numbers in plain text: they go, and start-up seeds real connections to the sandbox banks.
DELETE FROM "Balance";
DELETE FROM "Account";
DELETE FROM "Connection";

-- AlterTable
ALTER TABLE "Connection" ADD COLUMN     "secret" TEXT,
ADD COLUMN     "sessionExpiresAt" TIMESTAMP(3),
ADD COLUMN     "updatedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Account" DROP COLUMN "holderName",
DROP COLUMN "identification",
ADD COLUMN     "balancesFetchedAt" TIMESTAMP(3),
ADD COLUMN     "bankAccountRef" TEXT NOT NULL,
ADD COLUMN     "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "identificationSecret" TEXT,
ADD COLUMN     "transactionsFrom" TIMESTAMP(3),
ADD COLUMN     "transactionsSyncedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Transaction" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "creditDebit" TEXT NOT NULL,
    "bookingDateTime" TIMESTAMP(3) NOT NULL,
    "valueDateTime" TIMESTAMP(3),
    "description" TEXT,
    "counterpartyName" TEXT,
    "merchantName" TEXT,
    "merchantCategoryCode" TEXT,
    "contentHash" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "removedAt" TIMESTAMP(3),

    CONSTRAINT "Transaction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TransactionChange" (
    "id" SERIAL NOT NULL,
    "accountId" TEXT NOT NULL,
    "transactionId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TransactionChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BankRead" (
    "id" SERIAL NOT NULL,
    "accountId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "psuPresent" BOOLEAN NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BankRead_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Transaction_accountId_bookingDateTime_idx" ON "Transaction"("accountId", "bookingDateTime");

-- CreateIndex
CREATE INDEX "TransactionChange_accountId_id_idx" ON "TransactionChange"("accountId", "id");

-- CreateIndex
CREATE INDEX "BankRead_accountId_at_idx" ON "BankRead"("accountId", "at");

-- CreateIndex
CREATE INDEX "Account_connectionId_idx" ON "Account"("connectionId");

-- AddForeignKey
ALTER TABLE "Transaction" ADD CONSTRAINT "Transaction_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

