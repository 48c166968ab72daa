-- The packed records are ~100 KB of repetitive text for a large request: lz4 compresses them
-- in the TOAST table at a fraction of pglz's CPU (the default), on the request's path.
ALTER TABLE "AuditBatch" ALTER COLUMN "records" SET COMPRESSION lz4;
