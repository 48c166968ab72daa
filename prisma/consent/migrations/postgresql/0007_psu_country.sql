-- Every PSU carries a country (src/shared/jurisdiction). PSUs stored before it existed were
-- all signed up through the UK (OBIE) flows, so they are GB; new rows must name theirs.
-- AlterTable
ALTER TABLE "Psu" ADD COLUMN     "country" TEXT NOT NULL DEFAULT 'GB';
ALTER TABLE "Psu" ALTER COLUMN "country" DROP DEFAULT;
