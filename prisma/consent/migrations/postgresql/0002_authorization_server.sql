-- AlterTable
ALTER TABLE "Psu" ADD COLUMN     "totpSecret" TEXT;

-- AlterTable
ALTER TABLE "ClientApp" ADD COLUMN     "jwks" TEXT;

-- AlterTable
ALTER TABLE "Consent" ADD COLUMN     "grantId" TEXT;

-- CreateTable
CREATE TABLE "OidcPayload" (
    "key" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "grantId" TEXT,
    "uid" TEXT,
    "userCode" TEXT,
    "expiresAt" TIMESTAMP(3),
    "consumedAt" TIMESTAMP(3),

    CONSTRAINT "OidcPayload_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "OidcPayload_grantId_idx" ON "OidcPayload"("grantId");

-- CreateIndex
CREATE INDEX "OidcPayload_model_uid_idx" ON "OidcPayload"("model", "uid");

-- CreateIndex
CREATE INDEX "OidcPayload_model_userCode_idx" ON "OidcPayload"("model", "userCode");

-- CreateIndex
CREATE INDEX "OidcPayload_expiresAt_idx" ON "OidcPayload"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Consent_grantId_key" ON "Consent"("grantId");

