-- SQLite only (dates as text there); PostgreSQL's timestamp(3) columns were always right.
SELECT 1;
