"""`status`: the last syncs from the sync log table, as a readable table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import closing
from datetime import datetime, timedelta, timezone
from typing import Any

from psycopg2 import sql

from target_supabase.log_safety import escape_controls
from target_supabase.ops import database
from target_supabase.tables.names import support_table_name

COLUMNS = (
    "sync_type",
    "status",
    "started_at",
    "completed_at",
    "conversations_synced",
    "messages_synced",
    "users_synced",
    "records_by_stream",
    "rejected_records",
    "error_message",
)
HEADERS = (
    "type",
    "status",
    "started (UTC)",
    "duration",
    "conversations",
    "messages",
    "users",
    "records",
    "rejected",
    "error",
)
ERROR_WIDTH = 60


def sync_log_table(config: Mapping[str, Any]) -> tuple[str, str]:
    """(schema, table) of the sync log, named like the target names it."""
    prefix = config.get("table_prefix")
    prefix = "intercom_" if prefix is None else str(prefix)
    return str(config.get("schema") or "public"), support_table_name("sync_logs", prefix)


def fetch_syncs(config: Mapping[str, Any], limit: int) -> list[dict[str, Any]] | None:
    """The last `limit` runs, newest first; None when there is no sync log table yet."""
    schema, table = sync_log_table(config)
    # Read through to_jsonb: a table from before the column existed (the next sync adds it)
    # answers null instead of failing. The tap's start, from the `sync` marker of the state the
    # run ended with, is when the run began: the target starts later and may take a second.
    query = sql.SQL(
        "SELECT {}, to_jsonb(log) -> 'skipped_streams', "
        "to_jsonb(log) #>> '{{state,sync,started_at}}' FROM {}.{} AS log "
        "ORDER BY started_at DESC LIMIT %s"
    ).format(
        sql.SQL(", ").join(map(sql.Identifier, COLUMNS)),
        sql.Identifier(schema),
        sql.Identifier(table),
    )
    with closing(database.connect(config)) as conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass(format('%%I.%%I', %s, %s))", (schema, table))
        if (cur.fetchone() or (None,))[0] is None:
            return None
        cur.execute(query, (limit,))
        names = (*COLUMNS, "skipped_streams", "tap_started_at")
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def format_row(sync: Mapping[str, Any]) -> tuple[str, ...]:
    records = sync["records_by_stream"] or {}
    return (
        str(sync["sync_type"] or "?"),
        str(sync["status"] or "?"),
        format_time(sync["started_at"]),
        format_duration(run_start(sync), sync["completed_at"], sync["status"]),
        format_count(sync["conversations_synced"]),
        format_count(sync["messages_synced"]),
        format_count(sync["users_synced"]),
        format_count(sum(int(count) for count in records.values())),
        format_count(sync["rejected_records"]),
        shorten(sync["error_message"] or skipped_note(sync.get("skipped_streams"))),
    )


def skipped_note(skipped: Mapping[str, str] | None) -> str:
    """A `partial` run's streams the tap skipped (their reasons are in the sync log row)."""
    return f"skipped {', '.join(sorted(skipped))}" if skipped else ""


def format_time(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def run_start(sync: Mapping[str, Any]) -> datetime | None:
    """The earlier of the target's start and the tap's (its `sync` marker), when known."""
    started: datetime | None = sync["started_at"]
    try:
        tap_started = datetime.fromisoformat(str(sync.get("tap_started_at")))
    except ValueError:
        return started
    if tap_started.tzinfo is None or started is None:
        return started
    return min(started, tap_started)


def format_duration(started: datetime | None, completed: datetime | None, status: str) -> str:
    """`4.2s` under a minute (a demo run takes seconds), `0:12:05` above."""
    if started is None or completed is None:
        return "running" if status == "running" else "-"
    seconds = max((completed - started).total_seconds(), 0.0)
    if seconds < 60:
        return f"{seconds:.1f}s"
    return str(timedelta(seconds=round(seconds)))


def format_count(value: int | None) -> str:
    return "-" if value is None else f"{int(value):,}"


def shorten(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= ERROR_WIDTH else flat[: ERROR_WIDTH - 1] + "…"


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = [headers, ["-" * width for width in widths], *rows]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )


def render_status(config: Mapping[str, Any], limit: int) -> str:
    syncs = fetch_syncs(config, limit)
    schema, table = sync_log_table(config)
    if syncs is None:
        return f"No syncs yet: {schema}.{table} does not exist. Run a sync first."
    if not syncs:
        return f"No syncs yet: {schema}.{table} is empty. Run a sync first."
    runs = f"{len(syncs)} syncs" if len(syncs) != 1 else "sync"
    title = f"Last {runs} from {schema}.{table} (newest first):"
    # Error messages and sync types come from data: no raw terminal escapes on the screen.
    return escape_controls(title + "\n" + render_table(HEADERS, [format_row(s) for s in syncs]))
