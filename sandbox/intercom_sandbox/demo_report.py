"""What the demo shows after a sync: a few loaded rows, and what this run did."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from typing import Any, Protocol

import psycopg2

SAMPLES = {
    "intercom_conversations": (
        "SELECT conversation_id, updated_at, state, priority, "
        "left(regexp_replace(coalesce(nullif(source_subject, ''), source_body, ''), '<[^>]*>', '', "
        "'g'), 40) AS subject, parts_total_count "
        "FROM intercom_conversations ORDER BY updated_at DESC LIMIT 5"
    ),
    "intercom_messages": (
        "SELECT message_id, conversation_id, part_type, author_type, "
        "left(regexp_replace(coalesce(body, ''), '<[^>]*>', '', 'g'), 50) AS body "
        "FROM intercom_messages ORDER BY created_at DESC LIMIT 5"
    ),
}
LAST_RUN_SQL = (
    "SELECT sync_type, status, conversations_synced, messages_synced FROM intercom_sync_logs "
    "ORDER BY started_at DESC LIMIT 1"
)
CELL_WIDTH = 50


class DemoDatabaseLike(Protocol):
    url: str

    def describe(self) -> str: ...


def query(url: str, statement: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    with closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute(statement)
        names = [column.name for column in cur.description or []]
        return names, cur.fetchall()


def render(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(value)[:CELL_WIDTH] for value in row] for row in rows]
    widths = [max(len(text) for text in column) for column in zip(headers, *cells, strict=True)]
    lines = [list(headers), ["-" * width for width in widths], *cells]
    return "\n".join(
        "  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def print_rows(url: str) -> None:
    for table, statement in SAMPLES.items():
        headers, rows = query(url, statement)
        print(f"\n{table} (the 5 most recent of {count(url, table):,}):")
        print(render(headers, rows))


def count(url: str, table: str) -> int:
    _, rows = query(url, f"SELECT count(*) FROM {table}")
    return int(rows[0][0])


def run_summary(database: DemoDatabaseLike) -> str:
    """What the last run was, as its sync-log row says, and what keeps running."""
    _, rows = query(database.url, LAST_RUN_SQL)
    sync_type, status, conversations, messages = rows[0]
    done = f"\nThis run was {sync_type!s} and ended {status!s}: "
    done += f"{conversations or 0} conversations and {messages or 0} messages loaded."
    if sync_type == "incremental":
        done += "\nOnly what changed since the last run was read from Intercom."
    else:
        done += "\nRun `bash scripts/demo.sh` again: the next run is incremental."
    done += (
        f"\nThe demo database keeps running: psql {database.describe()}"
        "\nSee what runs with `bash scripts/demo.sh status`, stop it with "
        "`bash scripts/demo.sh stop`; `bash scripts/demo.sh fake` serves the fake Intercom alone."
    )
    return done
