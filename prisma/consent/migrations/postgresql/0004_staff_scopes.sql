-- AlterTable
ALTER TABLE "Psu" ADD COLUMN     "staffScopes" TEXT NOT NULL DEFAULT '';

