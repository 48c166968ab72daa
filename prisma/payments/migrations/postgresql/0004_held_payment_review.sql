-- AlterTable
ALTER TABLE "PaymentStatusChange" ADD COLUMN     "decidedBy" TEXT;

-- CreateIndex
CREATE INDEX "DomesticPayment_status_createdAt_idx" ON "DomesticPayment"("status", "createdAt");

