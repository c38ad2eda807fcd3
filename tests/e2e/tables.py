"""Read what the target loaded: table rows by key, and the sync log."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from typing import Any

import psycopg2
import psycopg2.extras
from psycopg2 import sql

SYNC_LOG_TABLE = "intercom_sync_logs"
# Tables the target creates for itself, whatever the input.
SUPPORT_TABLES = (
    SYNC_LOG_TABLE,
    "intercom_rejected_records",
    "intercom_webhook_events",
    "intercom_id_snapshots",
)


def connect(database_url: str) -> psycopg2.extensions.connection:
    conn = psycopg2.connect(database_url)
    conn.autocommit = True
    return conn


def table_names(database_url: str, schema: str = "public") -> list[str]:
    query = "SELECT table_name FROM information_schema.tables WHERE table_schema = %s"
    with closing(connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute(query, (schema,))
        return [name for (name,) in cur.fetchall()]


def table_columns(database_url: str, table: str, schema: str = "public") -> list[str]:
    query = (
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position"
    )
    with closing(connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute(query, (schema, table))
        return [name for (name,) in cur.fetchall()]


def fetch_rows(
    database_url: str, table: str, columns: Sequence[str], schema: str = "public"
) -> list[dict[str, Any]]:
    """Every row of `table`, with only those of `columns` that exist."""
    present = set(table_columns(database_url, table, schema))
    wanted = [name for name in columns if name in present]
    if not wanted:
        return []
    query = sql.SQL("SELECT {} FROM {}").format(
        sql.SQL(", ").join(map(sql.Identifier, wanted)), sql.Identifier(schema, table)
    )
    return _dict_rows(database_url, query)


def count_rows(database_url: str, table: str, schema: str = "public") -> int:
    query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table))
    with closing(connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute(query)
        (count,) = cur.fetchone() or (0,)
        return int(count)


def sync_logs(database_url: str) -> list[dict[str, Any]]:
    """The sync log, oldest run first; [] when the table does not exist yet."""
    if not table_columns(database_url, SYNC_LOG_TABLE):
        return []
    query = f"SELECT * FROM {SYNC_LOG_TABLE} ORDER BY started_at, id"
    return _dict_rows(database_url, query)


def _dict_rows(database_url: str, query: sql.Composable | str) -> list[dict[str, Any]]:
    dict_cursor = psycopg2.extras.RealDictCursor
    with closing(connect(database_url)) as conn, conn.cursor(cursor_factory=dict_cursor) as cur:
        cur.execute(query)
        return [dict(row) for row in cur.fetchall()]
