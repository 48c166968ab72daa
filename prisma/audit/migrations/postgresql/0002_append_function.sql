-- One round trip per append (src/shared/audit/writers.ts): take the chain lock, read the
-- head, number and hash each batch, insert it and its records (parsed from the hashed
-- body), move the head. A single statement, so it is one transaction; each query inside
-- takes a fresh snapshot after the lock, so the head read is never stale.
-- hash(n) = hex(sha256(prevHash || '\n' || n || '\n' || body)), as linkHash in chain.ts.
-- The bodies arrive joined by U+0001, which canonical JSON never holds unescaped: a text[]
-- parameter would make the client escape every quote of every body.
CREATE FUNCTION "audit_append"(headers json, joined text)
RETURNS TABLE(out_seq bigint, out_hash text)
LANGUAGE plpgsql AS $$
DECLARE
  bodies text[] := string_to_array(joined, chr(1));
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
  FOR i IN 1 .. coalesce(array_length(bodies, 1), 0) LOOP
    h := headers -> (i - 1);
    prev := cur_hash;
    cur_seq := cur_seq + 1;
    cur_hash := encode(sha256(convert_to(prev || chr(10) || cur_seq::text || chr(10) || bodies[i], 'UTF8')), 'hex');
    INSERT INTO "AuditBatch" ("seq", "prevHash", "hash", "at", "service", "requestId", "principalKind",
      "principalId", "clientId", "psuId", "consentId", "operationName", "operationType", "recordCount")
    VALUES (cur_seq, prev, cur_hash, (h ->> 'at')::timestamp(3), h ->> 'service', h ->> 'requestId',
      h ->> 'principalKind', h ->> 'principalId', h ->> 'clientId', h ->> 'psuId', h ->> 'consentId',
      h ->> 'operationName', h ->> 'operationType', (h ->> 'recordCount')::int);
    INSERT INTO "AuditRecord" ("batchSeq", "idx", "at", "fieldPath", "responsePath", "args", "outcome", "errorCode")
    SELECT cur_seq, (r.n - 1)::int, (r.v ->> 'at')::timestamp(3), r.v ->> 'fieldPath', r.v ->> 'responsePath',
      r.v ->> 'args', r.v ->> 'outcome', r.v ->> 'errorCode'
    FROM json_array_elements(bodies[i]::json -> 'records') WITH ORDINALITY AS r(v, n);
    out_seq := cur_seq;
    out_hash := cur_hash;
    RETURN NEXT;
  END LOOP;
  INSERT INTO "AuditHead" ("id", "seq", "hash", "updatedAt")
  VALUES (1, cur_seq, cur_hash, (now() AT TIME ZONE 'UTC')::timestamp(3))
  ON CONFLICT ("id") DO UPDATE SET "seq" = excluded."seq", "hash" = excluded."hash", "updatedAt" = excluded."updatedAt";
END $$;
