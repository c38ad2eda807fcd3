"""Database access: the connection and its worker thread, DDL and privileges, loading (COPY,
merges, deletions), refusals, catalog lookups and the deletion check's comparison."""
