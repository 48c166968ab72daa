-- CreateTable
CREATE TABLE "Payment" (
    "id" TEXT NOT NULL,
    "psuId" TEXT NOT NULL,
    "clientAppId" TEXT NOT NULL,
    "consentId" TEXT NOT NULL,
    "debtorAccountId" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "creditorName" TEXT NOT NULL,
    "creditorScheme" TEXT NOT NULL,
    "creditorAccount" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Payment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Payment_psuId_idx" ON "Payment"("psuId");

