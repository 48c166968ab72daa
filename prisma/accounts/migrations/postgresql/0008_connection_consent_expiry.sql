-- AlterTable
ALTER TABLE "Connection" ADD COLUMN     "consentExpiresAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Connection_status_consentExpiresAt_idx" ON "Connection"("status", "consentExpiresAt");

