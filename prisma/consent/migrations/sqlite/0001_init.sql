-- CreateTable
CREATE TABLE "Psu" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "username" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ClientApp" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "allowedPermissions" TEXT NOT NULL,
    "platformScopes" TEXT NOT NULL,
    "redirectUris" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Consent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clientAppId" TEXT NOT NULL,
    "psuId" TEXT,
    "status" TEXT NOT NULL,
    "permissions" TEXT NOT NULL,
    "selectedAccountIds" TEXT NOT NULL DEFAULT '[]',
    "transactionFromDate" DATETIME,
    "transactionToDate" DATETIME,
    "expiresAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Consent_clientAppId_fkey" FOREIGN KEY ("clientAppId") REFERENCES "ClientApp" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Consent_psuId_fkey" FOREIGN KEY ("psuId") REFERENCES "Psu" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ConsentStatusChange" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "consentId" TEXT NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "at" DATETIME NOT NULL,
    CONSTRAINT "ConsentStatusChange_consentId_fkey" FOREIGN KEY ("consentId") REFERENCES "Consent" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SigningKey" (
    "kid" TEXT NOT NULL PRIMARY KEY,
    "alg" TEXT NOT NULL,
    "publicJwk" TEXT NOT NULL,
    "privateJwk" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activatesAt" DATETIME NOT NULL,
    "retireAfter" DATETIME
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

