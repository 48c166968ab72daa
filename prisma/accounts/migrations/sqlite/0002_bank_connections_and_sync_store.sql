-- The demo accounts seeded before bank connections existed were made up, and held account
-- numbers in plain text: they go, and start-up seeds real connections to the sandbox banks.
DELETE FROM "Balance";
DELETE FROM "Account";
DELETE FROM "Connection";

-- AlterTable
ALTER TABLE "Connection" ADD COLUMN "secret" TEXT;
ALTER TABLE "Connection" ADD COLUMN "sessionExpiresAt" DATETIME;
ALTER TABLE "Connection" ADD COLUMN "updatedAt" DATETIME;

-- CreateTable
CREATE TABLE "Transaction" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "creditDebit" TEXT NOT NULL,
    "bookingDateTime" DATETIME NOT NULL,
    "valueDateTime" DATETIME,
    "description" TEXT,
    "counterpartyName" TEXT,
    "merchantName" TEXT,
    "merchantCategoryCode" TEXT,
    "contentHash" TEXT NOT NULL,
    "firstSeenAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "removedAt" DATETIME,
    CONSTRAINT "Transaction_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TransactionChange" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "accountId" TEXT NOT NULL,
    "transactionId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "BankRead" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "accountId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "psuPresent" BOOLEAN NOT NULL,
    "at" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Account" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "connectionId" TEXT NOT NULL,
    "psuId" TEXT NOT NULL,
    "bankId" TEXT NOT NULL,
    "accountType" TEXT NOT NULL,
    "accountSubType" TEXT,
    "currency" TEXT NOT NULL,
    "nickname" TEXT,
    "bankAccountRef" TEXT NOT NULL,
    "identificationScheme" TEXT,
    "identificationSecret" TEXT,
    "balancesFetchedAt" DATETIME,
    "transactionsFrom" DATETIME,
    "transactionsSyncedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Account_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Account" ("accountSubType", "accountType", "bankId", "connectionId", "currency", "id", "identificationScheme", "nickname", "psuId") SELECT "accountSubType", "accountType", "bankId", "connectionId", "currency", "id", "identificationScheme", "nickname", "psuId" FROM "Account";
DROP TABLE "Account";
ALTER TABLE "new_Account" RENAME TO "Account";
CREATE INDEX "Account_psuId_idx" ON "Account"("psuId");
CREATE INDEX "Account_connectionId_idx" ON "Account"("connectionId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Transaction_accountId_bookingDateTime_idx" ON "Transaction"("accountId", "bookingDateTime");

-- CreateIndex
CREATE INDEX "TransactionChange_accountId_id_idx" ON "TransactionChange"("accountId", "id");

-- CreateIndex
CREATE INDEX "BankRead_accountId_at_idx" ON "BankRead"("accountId", "at");

