"""Reading what a test database holds: the suite's one copy of these helpers."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

import psycopg2
from target_supabase.db.sqltext import quote_ident


def fetch(url: str, query: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
    with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall()


def columns(url: str, table: str, schema: str = "public") -> dict[str, str]:
    """Column → type as PostgreSQL prints it, in column order."""
    rows = fetch(
        url,
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        [f"{quote_ident(schema)}.{quote_ident(table)}"],
    )
    return dict(rows)


def tables(url: str, schema: str = "public") -> set[str]:
    return {
        name
        for (name,) in fetch(url, "SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
    }


def sync_logs(url: str, table: str = "intercom_sync_logs") -> list[dict[str, Any]]:
    with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute(f'SELECT * FROM "{table}" ORDER BY id')
        names = [column.name for column in cur.description or []]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
