-- Dates written by the sync's bulk insert (db/bulk.ts) before 0010 were toISOString text
-- (`…Z`); Prisma writes and compares `…+00:00`, and SQLite compares text, so those rows fell
-- on the wrong side of a page cursor or a date bound. Rewritten as Prisma writes them.
UPDATE "Transaction" SET "bookingDateTime" = substr("bookingDateTime", 1, length("bookingDateTime") - 1) || '+00:00' WHERE "bookingDateTime" LIKE '%Z';
UPDATE "Transaction" SET "valueDateTime" = substr("valueDateTime", 1, length("valueDateTime") - 1) || '+00:00' WHERE "valueDateTime" LIKE '%Z';
UPDATE "Transaction" SET "firstSeenAt" = substr("firstSeenAt", 1, length("firstSeenAt") - 1) || '+00:00' WHERE "firstSeenAt" LIKE '%Z';
UPDATE "Transaction" SET "updatedAt" = substr("updatedAt", 1, length("updatedAt") - 1) || '+00:00' WHERE "updatedAt" LIKE '%Z';
UPDATE "TransactionChange" SET "at" = substr("at", 1, length("at") - 1) || '+00:00' WHERE "at" LIKE '%Z';
