-- PostgreSQL only (the audit_append function); SQLite appends from its writer thread.
SELECT 1;
