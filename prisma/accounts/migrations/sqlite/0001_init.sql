-- CreateTable
CREATE TABLE "Connection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "psuId" TEXT NOT NULL,
    "bankId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Account" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "connectionId" TEXT NOT NULL,
    "psuId" TEXT NOT NULL,
    "bankId" TEXT NOT NULL,
    "accountType" TEXT NOT NULL,
    "accountSubType" TEXT,
    "currency" TEXT NOT NULL,
    "nickname" TEXT,
    "identificationScheme" TEXT,
    "identification" TEXT,
    "holderName" TEXT,
    CONSTRAINT "Account_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Balance" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "accountId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "creditDebit" TEXT NOT NULL,
    "dateTime" DATETIME NOT NULL,
    CONSTRAINT "Balance_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Connection_psuId_idx" ON "Connection"("psuId");

-- CreateIndex
CREATE INDEX "Account_psuId_idx" ON "Account"("psuId");

-- CreateIndex
CREATE INDEX "Balance_accountId_idx" ON "Balance"("accountId");

