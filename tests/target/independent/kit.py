"""What every independent hostile case needs: run the target as a process, read what it left.

Written without reading tests/target/hostile/: these cases are a second, independent opinion of
what issue 13 promises (README "Guarantees" and "Security").
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import psycopg2
from target_supabase.db.sqltext import quote_ident

from target.support import Finished, fetch, run_process, schema_message

STREAM = "items"
TABLE = "intercom_items"
REJECTED = "intercom_rejected_records"
SYNC_LOGS = "intercom_sync_logs"


def items_schema(keys: Sequence[str] = ("id",), **extra: Any) -> dict[str, Any]:
    """`items`: an integer key, a name, and whatever the case adds."""
    properties = {"id": {"type": ["integer", "null"]}, "name": {"type": ["string", "null"]}}
    return schema_message(STREAM, {**properties, **extra}, keys=keys)


def item(**values: Any) -> dict[str, Any]:
    return {"type": "RECORD", "stream": STREAM, "record": values}


def raw_item(record_json: str) -> str:
    """A RECORD line written by hand (for what `json.dumps` will not write: NaN, deep nesting)."""
    return f'{{"type": "RECORD", "stream": "{STREAM}", "record": {record_json}}}'


def bookmark(value: Any) -> dict[str, Any]:
    return {"type": "STATE", "value": {"bookmarks": {STREAM: value}}}


def run(
    config: dict[str, Any], messages: Iterable[dict[str, Any] | str], tmp_path: Path
) -> Finished:
    return run_process(config, list(messages), tmp_path)


def table_exists(url: str, table: str, schema: str = "public") -> bool:
    found = fetch(url, "SELECT to_regclass(%s)", [f"{quote_ident(schema)}.{quote_ident(table)}"])
    return found[0][0] is not None


def rows(url: str, columns: str = "id, name", table: str = TABLE) -> list[tuple[Any, ...]]:
    if not table_exists(url, table):
        return []
    return fetch(url, f"SELECT {columns} FROM {quote_ident(table)} ORDER BY 1")


def rejected(url: str) -> list[tuple[str, Any, str]]:
    """(stream, record, error) of every rejected record, oldest first."""
    return [
        (stream, record, error)
        for stream, record, error in fetch(
            url, f"SELECT stream, record, error FROM {REJECTED} ORDER BY id"
        )
    ]


def last_log(url: str) -> dict[str, Any]:
    with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute(f"SELECT * FROM {SYNC_LOGS} ORDER BY id DESC LIMIT 1")
        names = [column.name for column in cur.description or []]
        row = cur.fetchone()
        assert row is not None, "no sync-log row"
        return dict(zip(names, row, strict=True))


def everything_stored(url: str) -> str:
    """Every row of every table of the database's user schemas, as text (to search for secrets)."""
    tables = fetch(
        url,
        "SELECT schemaname, tablename FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    )
    texts = [
        json.dumps(fetch(url, f'SELECT row_to_json(t)::text FROM "{schema}"."{name}" t'))
        for schema, name in tables
    ]
    return "\n".join(texts)


def ok(done: Finished) -> Finished:
    """The run succeeded (its stderr shown when it did not)."""
    assert done.returncode == 0, done.stderr[-3000:]
    return done
