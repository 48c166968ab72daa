-- AlterTable
ALTER TABLE "Connection" ADD COLUMN "consentExpiresAt" DATETIME;

-- CreateIndex
CREATE INDEX "Connection_status_consentExpiresAt_idx" ON "Connection"("status", "consentExpiresAt");

