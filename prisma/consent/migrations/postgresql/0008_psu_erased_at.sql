-- AlterTable
ALTER TABLE "Psu" ADD COLUMN     "erasedAt" TIMESTAMP(3);

