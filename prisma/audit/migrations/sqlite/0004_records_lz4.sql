-- PostgreSQL only (TOAST compression of the packed records); SQLite stores them as they are.
SELECT 1;
