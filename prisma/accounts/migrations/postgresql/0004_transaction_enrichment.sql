-- AlterTable
ALTER TABLE "Transaction" ADD COLUMN     "bankProprietaryCode" TEXT,
ADD COLUMN     "bankTransactionCode" TEXT,
ADD COLUMN     "categoryConfidence" DOUBLE PRECISION,
ADD COLUMN     "categoryDetailed" TEXT,
ADD COLUMN     "categoryReason" TEXT,
ADD COLUMN     "enrichmentVersion" INTEGER,
ADD COLUMN     "merchantDisplayName" TEXT,
ADD COLUMN     "merchantId" TEXT;

-- CreateTable
CREATE TABLE "CategoryCorrection" (
    "id" SERIAL NOT NULL,
    "psuId" TEXT NOT NULL,
    "transactionId" TEXT NOT NULL,
    "categoryDetailed" TEXT NOT NULL,
    "creditDebit" TEXT NOT NULL,
    "tokens" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "consentId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CategoryCorrection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CategoryRule" (
    "id" TEXT NOT NULL,
    "psuId" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "categoryDetailed" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "consentId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CategoryRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CategoryModel" (
    "psuId" TEXT NOT NULL,
    "creditDebit" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CategoryModel_pkey" PRIMARY KEY ("psuId","creditDebit")
);

-- CreateIndex
CREATE UNIQUE INDEX "CategoryCorrection_psuId_transactionId_key" ON "CategoryCorrection"("psuId", "transactionId");

-- CreateIndex
CREATE UNIQUE INDEX "CategoryRule_psuId_merchantId_key" ON "CategoryRule"("psuId", "merchantId");

