-- AlterTable
ALTER TABLE "Transaction" ADD COLUMN "country" TEXT;

