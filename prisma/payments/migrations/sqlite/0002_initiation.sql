-- DropTable
PRAGMA foreign_keys=off;
DROP TABLE "Payment";
PRAGMA foreign_keys=on;

-- CreateTable
CREATE TABLE "DomesticPaymentConsent" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "scaVerifiedAt" DATETIME,
    "submissionLeaseUntil" DATETIME,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "DomesticPayment" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "statusCheckedAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "DomesticPayment_paymentConsentId_fkey" FOREIGN KEY ("paymentConsentId") REFERENCES "DomesticPaymentConsent" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PaymentStatusChange" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "paymentId" TEXT NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT NOT NULL,
    "bankStatus" TEXT,
    "reason" TEXT,
    "at" DATETIME NOT NULL,
    CONSTRAINT "PaymentStatusChange_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "DomesticPayment" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ScaChallenge" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "paymentConsentId" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "verifiedAt" DATETIME,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "ScaChallenge_paymentConsentId_fkey" FOREIGN KEY ("paymentConsentId") REFERENCES "DomesticPaymentConsent" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "IdempotencyRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clientAppId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "resourceId" TEXT,
    "lockedUntil" DATETIME,
    "createdAt" DATETIME NOT NULL,
    "completedAt" DATETIME
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

