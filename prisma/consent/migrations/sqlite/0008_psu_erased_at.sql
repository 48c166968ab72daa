-- AlterTable
ALTER TABLE "Psu" ADD COLUMN "erasedAt" DATETIME;

