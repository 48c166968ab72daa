-- AlterTable
ALTER TABLE "AuditBatch" ADD COLUMN     "erasedAt" TIMESTAMP(3),
ADD COLUMN     "jurisdiction" TEXT,
ADD COLUMN     "recordsDigest" TEXT;


-- Appends write format 3 (src/shared/audit/chain.ts): the hash covers the canonical header
-- (now with the jurisdiction) and the sha256 of the packed records, not the records
-- themselves, so erasing a PSU's records keeps every link verifiable. As in 0003, each
-- batch arrives as its header and its records, joined by U+0001:
-- digest(n) = hex(sha256(records)),
-- hash(n) = hex(sha256(prevHash || '\n' || n || '\n' || header || '\n' || digest(n))).
-- Batches already written keep format 2 and verify as before.
DROP FUNCTION "audit_append"(json, text);
CREATE FUNCTION "audit_append"(headers json, joined text)
RETURNS TABLE(out_seq bigint, out_hash text)
LANGUAGE plpgsql AS $$
DECLARE
  parts text[] := string_to_array(joined, chr(1));
  cur_seq bigint;
  cur_hash text;
  prev text;
  digest text;
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
    digest := encode(sha256(convert_to(coalesce(parts[2 * i], ''), 'UTF8')), 'hex');
    cur_hash := encode(sha256(convert_to(prev || chr(10) || cur_seq::text || chr(10) || parts[2 * i - 1]
      || chr(10) || digest, 'UTF8')), 'hex');
    INSERT INTO "AuditBatch" ("seq", "prevHash", "hash", "at", "service", "requestId", "principalKind",
      "principalId", "clientId", "psuId", "consentId", "operationName", "operationType", "recordCount",
      "format", "records", "jurisdiction", "recordsDigest")
    VALUES (cur_seq, prev, cur_hash, (h ->> 'at')::timestamp(3), h ->> 'service', h ->> 'requestId',
      h ->> 'principalKind', h ->> 'principalId', h ->> 'clientId', h ->> 'psuId', h ->> 'consentId',
      h ->> 'operationName', h ->> 'operationType', (h ->> 'recordCount')::int, 3, coalesce(parts[2 * i], ''),
      h ->> 'jurisdiction', digest);
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
