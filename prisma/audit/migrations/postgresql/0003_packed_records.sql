-- Records move from a row each (AuditRecord) into one packed column per batch
-- (src/shared/audit/records.ts), with AuditFieldUse as the index search goes through.
-- Batches already written are converted to format 1: every record kept whole, in order, and
-- still hashed as migration 0001 wrote it, so the chain verifies across the change.

-- AlterTable
ALTER TABLE "AuditBatch" ADD COLUMN     "format" INTEGER NOT NULL DEFAULT 2,
ADD COLUMN     "records" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "AuditFieldUse" (
    "batchSeq" BIGINT NOT NULL,
    "fieldPath" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "AuditFieldUse_pkey" PRIMARY KEY ("batchSeq","fieldPath","outcome")
);

-- Format 1: a JSON list of [at, fieldPath, responsePath, args, outcome, errorCode] by idx.
UPDATE "AuditBatch" b SET "format" = 1, "records" = coalesce((
  SELECT json_agg(json_build_array(to_char(r."at", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), r."fieldPath",
    r."responsePath", r."args", r."outcome", r."errorCode") ORDER BY r."idx")::text
  FROM "AuditRecord" r WHERE r."batchSeq" = b."seq"), '[]');
INSERT INTO "AuditFieldUse" ("batchSeq", "fieldPath", "outcome", "count")
SELECT "batchSeq", "fieldPath", "outcome", count(*)::int FROM "AuditRecord" GROUP BY "batchSeq", "fieldPath", "outcome";

-- DropForeignKey
ALTER TABLE "AuditRecord" DROP CONSTRAINT "AuditRecord_batchSeq_fkey";

-- DropTable
DROP TABLE "AuditRecord";

-- CreateIndex
CREATE INDEX "AuditFieldUse_fieldPath_batchSeq_idx" ON "AuditFieldUse"("fieldPath", "batchSeq");

-- CreateIndex
CREATE INDEX "AuditFieldUse_outcome_batchSeq_idx" ON "AuditFieldUse"("outcome", "batchSeq");

-- AddForeignKey
ALTER TABLE "AuditFieldUse" ADD CONSTRAINT "AuditFieldUse_batchSeq_fkey" FOREIGN KEY ("batchSeq") REFERENCES "AuditBatch"("seq") ON DELETE RESTRICT ON UPDATE CASCADE;

-- One round trip per append (src/shared/audit/writers.ts), as in 0002, for format-2 batches:
-- take the chain lock, read the head, number and hash each batch, insert it and its field
-- uses, move the head. Each batch arrives as two texts, its canonical header and its packed
-- records, all joined by U+0001 (which neither holds unescaped):
-- hash(n) = hex(sha256(prevHash || '\n' || n || '\n' || header || '\n' || records)).
DROP FUNCTION "audit_append"(json, text);
CREATE FUNCTION "audit_append"(headers json, joined text)
RETURNS TABLE(out_seq bigint, out_hash text)
LANGUAGE plpgsql AS $$
DECLARE
  parts text[] := string_to_array(joined, chr(1));
  cur_seq bigint;
  cur_hash text;
  prev text;
  h json;
  i int;
BEGIN
  PERFORM pg_advisory_xact_lock(7370619);
  SELECT ah."seq", ah."hash" INTO cur_seq, cur_hash FROM "AuditHead" ah WHERE ah."id" = 1;
  IF NOT FOUND THEN
    IF EXISTS (SELECT 1 FROM "AuditBatch") OR EXISTS (SELECT 1 FROM "AuditAnchor") THEN
      RAISE EXCEPTION 'The audit chain head is missing; run `audit verify`';
    END IF;
    cur_seq := 0;
    cur_hash := repeat('0', 64);
  END IF;
  FOR i IN 1 .. json_array_length(headers) LOOP
    h := headers -> (i - 1);
    prev := cur_hash;
    cur_seq := cur_seq + 1;
    cur_hash := encode(sha256(convert_to(prev || chr(10) || cur_seq::text || chr(10) || parts[2 * i - 1]
      || chr(10) || parts[2 * i], 'UTF8')), 'hex');
    INSERT INTO "AuditBatch" ("seq", "prevHash", "hash", "at", "service", "requestId", "principalKind",
      "principalId", "clientId", "psuId", "consentId", "operationName", "operationType", "recordCount",
      "format", "records")
    VALUES (cur_seq, prev, cur_hash, (h ->> 'at')::timestamp(3), h ->> 'service', h ->> 'requestId',
      h ->> 'principalKind', h ->> 'principalId', h ->> 'clientId', h ->> 'psuId', h ->> 'consentId',
      h ->> 'operationName', h ->> 'operationType', (h ->> 'recordCount')::int, 2, parts[2 * i]);
    INSERT INTO "AuditFieldUse" ("batchSeq", "fieldPath", "outcome", "count")
    SELECT cur_seq, u ->> 0, u ->> 1, (u ->> 2)::int FROM json_array_elements(h -> 'uses') AS u;
    out_seq := cur_seq;
    out_hash := cur_hash;
    RETURN NEXT;
  END LOOP;
  INSERT INTO "AuditHead" ("id", "seq", "hash", "updatedAt")
  VALUES (1, cur_seq, cur_hash, (now() AT TIME ZONE 'UTC')::timestamp(3))
  ON CONFLICT ("id") DO UPDATE SET "seq" = excluded."seq", "hash" = excluded."hash", "updatedAt" = excluded."updatedAt";
END $$;
