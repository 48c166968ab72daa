-- AlterTable
ALTER TABLE "Transaction" ADD COLUMN "bankProprietaryCode" TEXT;
ALTER TABLE "Transaction" ADD COLUMN "bankTransactionCode" TEXT;
ALTER TABLE "Transaction" ADD COLUMN "categoryConfidence" REAL;
ALTER TABLE "Transaction" ADD COLUMN "categoryDetailed" TEXT;
ALTER TABLE "Transaction" ADD COLUMN "categoryReason" TEXT;
ALTER TABLE "Transaction" ADD COLUMN "enrichmentVersion" INTEGER;
ALTER TABLE "Transaction" ADD COLUMN "merchantDisplayName" TEXT;
ALTER TABLE "Transaction" ADD COLUMN "merchantId" TEXT;

-- CreateTable
CREATE TABLE "CategoryCorrection" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "psuId" TEXT NOT NULL,
    "transactionId" TEXT NOT NULL,
    "categoryDetailed" TEXT NOT NULL,
    "creditDebit" TEXT NOT NULL,
    "tokens" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "consentId" TEXT,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CategoryRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "psuId" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "categoryDetailed" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "consentId" TEXT,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CategoryModel" (
    "psuId" TEXT NOT NULL,
    "creditDebit" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("psuId", "creditDebit")
);

-- CreateIndex
CREATE UNIQUE INDEX "CategoryCorrection_psuId_transactionId_key" ON "CategoryCorrection"("psuId", "transactionId");

-- CreateIndex
CREATE UNIQUE INDEX "CategoryRule_psuId_merchantId_key" ON "CategoryRule"("psuId", "merchantId");

