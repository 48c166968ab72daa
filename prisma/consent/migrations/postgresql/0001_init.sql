-- CreateTable
CREATE TABLE "Psu" (
    "id" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Psu_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ClientApp" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "allowedPermissions" TEXT NOT NULL,
    "platformScopes" TEXT NOT NULL,
    "redirectUris" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ClientApp_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Consent" (
    "id" TEXT NOT NULL,
    "clientAppId" TEXT NOT NULL,
    "psuId" TEXT,
    "status" TEXT NOT NULL,
    "permissions" TEXT NOT NULL,
    "selectedAccountIds" TEXT NOT NULL DEFAULT '[]',
    "transactionFromDate" TIMESTAMP(3),
    "transactionToDate" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Consent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsentStatusChange" (
    "id" SERIAL NOT NULL,
    "consentId" TEXT NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConsentStatusChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SigningKey" (
    "kid" TEXT NOT NULL,
    "alg" TEXT NOT NULL,
    "publicJwk" TEXT NOT NULL,
    "privateJwk" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activatesAt" TIMESTAMP(3) NOT NULL,
    "retireAfter" TIMESTAMP(3),

    CONSTRAINT "SigningKey_pkey" PRIMARY KEY ("kid")
);

-- CreateIndex
CREATE UNIQUE INDEX "Psu_username_key" ON "Psu"("username");

-- CreateIndex
CREATE INDEX "Consent_psuId_idx" ON "Consent"("psuId");

-- CreateIndex
CREATE INDEX "Consent_clientAppId_idx" ON "Consent"("clientAppId");

-- CreateIndex
CREATE INDEX "ConsentStatusChange_consentId_idx" ON "ConsentStatusChange"("consentId");

-- CreateIndex
CREATE INDEX "SigningKey_activatesAt_idx" ON "SigningKey"("activatesAt");

-- AddForeignKey
ALTER TABLE "Consent" ADD CONSTRAINT "Consent_clientAppId_fkey" FOREIGN KEY ("clientAppId") REFERENCES "ClientApp"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Consent" ADD CONSTRAINT "Consent_psuId_fkey" FOREIGN KEY ("psuId") REFERENCES "Psu"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsentStatusChange" ADD CONSTRAINT "ConsentStatusChange_consentId_fkey" FOREIGN KEY ("consentId") REFERENCES "Consent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

