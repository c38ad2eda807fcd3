"""What a schema holds apart from data: tables, columns, indexes, triggers, RLS, functions."""

from __future__ import annotations

from contextlib import closing
from typing import Any

import psycopg2

QUERIES = {
    "columns": """
        SELECT table_name, column_name, data_type, is_nullable, column_default
        FROM information_schema.columns WHERE table_schema = %(schema)s
        ORDER BY table_name, column_name""",
    "indexes": """
        SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %(schema)s
        ORDER BY tablename, indexname""",
    "triggers": """
        SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND NOT t.tgisinternal ORDER BY 1, 2""",
    "row_level_security": """
        SELECT c.relname, c.relrowsecurity FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND c.relkind = 'r' ORDER BY 1""",
    "functions": """
        SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %(schema)s ORDER BY 1""",
}


def describe_structure(database_url: str, schema: str = "public") -> dict[str, list[Any]]:
    with closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        found = {}
        for name, query in QUERIES.items():
            cur.execute(query, {"schema": schema})
            found[name] = cur.fetchall()
        return found
