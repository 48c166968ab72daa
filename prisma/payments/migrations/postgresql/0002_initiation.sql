-- DropTable
DROP TABLE "Payment";

-- CreateTable
CREATE TABLE "DomesticPaymentConsent" (
    "id" TEXT NOT NULL,
    "clientAppId" TEXT NOT NULL,
    "psuId" TEXT NOT NULL,
    "consentId" TEXT NOT NULL,
    "bankId" TEXT NOT NULL,
    "standard" TEXT NOT NULL,
    "bankConsentId" TEXT,
    "status" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "creditorName" TEXT NOT NULL,
    "creditorScheme" TEXT NOT NULL,
    "creditorAccount" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "debtorAccountId" TEXT,
    "debtorSealed" TEXT,
    "bankSessionSealed" TEXT,
    "scaMethod" TEXT,
    "scaVerifiedAt" TIMESTAMP(3),
    "submissionLeaseUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DomesticPaymentConsent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DomesticPayment" (
    "id" TEXT NOT NULL,
    "paymentConsentId" TEXT NOT NULL,
    "clientAppId" TEXT NOT NULL,
    "psuId" TEXT NOT NULL,
    "consentId" TEXT NOT NULL,
    "bankId" TEXT NOT NULL,
    "bankPaymentId" TEXT,
    "debtorAccountId" TEXT,
    "amount" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "creditorName" TEXT NOT NULL,
    "creditorScheme" TEXT NOT NULL,
    "creditorAccount" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "bankStatus" TEXT,
    "statusReason" TEXT,
    "flags" TEXT NOT NULL DEFAULT '',
    "authorisationUrl" TEXT,
    "statusCheckedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DomesticPayment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PaymentStatusChange" (
    "id" SERIAL NOT NULL,
    "paymentId" TEXT NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT NOT NULL,
    "bankStatus" TEXT,
    "reason" TEXT,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PaymentStatusChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ScaChallenge" (
    "id" TEXT NOT NULL,
    "paymentConsentId" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "verifiedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ScaChallenge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdempotencyRecord" (
    "id" TEXT NOT NULL,
    "clientAppId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "resourceId" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "IdempotencyRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DomesticPaymentConsent_psuId_idx" ON "DomesticPaymentConsent"("psuId");

-- CreateIndex
CREATE UNIQUE INDEX "DomesticPayment_paymentConsentId_key" ON "DomesticPayment"("paymentConsentId");

-- CreateIndex
CREATE INDEX "DomesticPayment_psuId_createdAt_idx" ON "DomesticPayment"("psuId", "createdAt");

-- CreateIndex
CREATE INDEX "DomesticPayment_psuId_creditorScheme_creditorAccount_idx" ON "DomesticPayment"("psuId", "creditorScheme", "creditorAccount");

-- CreateIndex
CREATE INDEX "PaymentStatusChange_paymentId_idx" ON "PaymentStatusChange"("paymentId");

-- CreateIndex
CREATE INDEX "ScaChallenge_paymentConsentId_idx" ON "ScaChallenge"("paymentConsentId");

-- CreateIndex
CREATE INDEX "IdempotencyRecord_createdAt_idx" ON "IdempotencyRecord"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "IdempotencyRecord_clientAppId_key_key" ON "IdempotencyRecord"("clientAppId", "key");

-- AddForeignKey
ALTER TABLE "DomesticPayment" ADD CONSTRAINT "DomesticPayment_paymentConsentId_fkey" FOREIGN KEY ("paymentConsentId") REFERENCES "DomesticPaymentConsent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PaymentStatusChange" ADD CONSTRAINT "PaymentStatusChange_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "DomesticPayment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ScaChallenge" ADD CONSTRAINT "ScaChallenge_paymentConsentId_fkey" FOREIGN KEY ("paymentConsentId") REFERENCES "DomesticPaymentConsent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

