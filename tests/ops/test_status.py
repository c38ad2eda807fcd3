"""`target-supabase-ops status`: the last syncs from intercom_sync_logs as a readable table."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import psycopg2

from ops.helpers import OPS_MODULE, run_module, write_config

SYNC_LOGS = """
CREATE TABLE intercom_sync_logs (
  id bigserial PRIMARY KEY, sync_type text, status text, started_at timestamptz,
  completed_at timestamptz, conversations_synced bigint, messages_synced bigint,
  users_synced bigint, records_by_stream jsonb, rejected_records bigint, error_message text);
INSERT INTO intercom_sync_logs (sync_type, status, started_at, completed_at, conversations_synced,
  messages_synced, users_synced, records_by_stream, rejected_records, error_message) VALUES
 ('full', 'success', '2026-01-02 10:00:00+00', '2026-01-02 11:02:03+00', 12345, 678901, 42,
  '{"conversations": 12345, "conversation_parts": 678901, "contacts": 42}', 0, NULL),
 ('incremental', 'failed', '2026-01-02 12:00:00+00', '2026-01-02 12:00:09+00', 3, 7, 0,
  '{"conversations": 3, "conversation_parts": 7}', 1,
  'Database error while loading: could not serialize access due to concurrent update, '
  'and a very long explanation follows here'),
 ('incremental', 'running', '2026-01-02 13:00:00+00', NULL, 0, 0, 0, '{}', 0, NULL);
"""


def status(tmp_path: Path, database_url: str, *args: str) -> str:
    config = write_config(tmp_path, "target.json", {"database_url": database_url})
    done = run_module(OPS_MODULE, "status", "--config", str(config), *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_last_syncs_newest_first(tmp_path: Path, database_url: str) -> None:
    with closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute(SYNC_LOGS)
        conn.commit()

    lines = status(tmp_path, database_url).splitlines()

    assert lines[0] == "Last 3 syncs from public.intercom_sync_logs (newest first):"
    assert lines[1].split() == [
        "type", "status", "started", "(UTC)", "duration", "conversations", "messages", "users",
        "records", "rejected", "error",
    ]  # fmt: skip
    assert lines[3].split() == ["incremental", "running", "2026-01-02", "13:00:00", "running",
                                "0", "0", "0", "0", "0"]  # fmt: skip
    assert lines[4].split()[:10] == ["incremental", "failed", "2026-01-02", "12:00:00", "9.0s",
                                     "3", "7", "0", "10", "1"]  # fmt: skip
    assert "Database error while loading: could not serialize" in lines[4]
    assert lines[4].endswith("…")
    assert lines[5].split() == ["full", "success", "2026-01-02", "10:00:00", "1:02:03", "12,345",
                                "678,901", "42", "691,288", "0"]  # fmt: skip


def test_limit_shows_fewer_runs(tmp_path: Path, database_url: str) -> None:
    with closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute(SYNC_LOGS)
        conn.commit()

    output = status(tmp_path, database_url, "--limit", "1")

    assert output.splitlines()[0] == "Last sync from public.intercom_sync_logs (newest first):"
    assert len(output.splitlines()) == 4


def test_no_sync_log_yet(tmp_path: Path, database_url: str) -> None:
    output = status(tmp_path, database_url)

    assert output.strip() == (
        "No syncs yet: public.intercom_sync_logs does not exist. Run a sync first."
    )


def test_a_partial_run_names_the_streams_it_skipped(tmp_path: Path, database_url: str) -> None:
    with closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute(SYNC_LOGS)
        cur.execute(
            "ALTER TABLE intercom_sync_logs ADD COLUMN skipped_streams jsonb DEFAULT '{}';"
            "INSERT INTO intercom_sync_logs (sync_type, status, started_at, completed_at, "
            "conversations_synced, messages_synced, users_synced, records_by_stream, "
            "rejected_records, skipped_streams) VALUES ('incremental', 'partial', "
            "'2026-01-02 14:00:00+00', '2026-01-02 14:00:05+00', 1, 2, 0, '{}', 0, "
            """'{"tickets": "Intercom refused the token. Grant “Read tickets”."}')"""
        )
        conn.commit()

    lines = status(tmp_path, database_url).splitlines()

    assert lines[3].split()[:2] == ["incremental", "partial"]
    assert lines[3].endswith("skipped tickets")


def test_a_short_run_lasts_from_the_taps_start_to_the_targets_end(
    tmp_path: Path, database_url: str
) -> None:
    """Under Meltano the target starts after the tap and may finish within its first second:
    the duration counts from the tap's start (its state's `sync` marker), to a tenth of a
    second, never `0:00:00`."""
    with closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute(SYNC_LOGS)
        cur.execute(
            "ALTER TABLE intercom_sync_logs ADD COLUMN state jsonb;"
            "INSERT INTO intercom_sync_logs (sync_type, status, started_at, completed_at, "
            "records_by_stream, state) VALUES ('full', 'success', '2026-01-02 15:00:04.7+00', "
            "'2026-01-02 15:00:05.1+00', '{}', "
            """'{"sync": {"type": "full", "started_at": "2026-01-02T15:00:01.9+00:00"}}')"""
        )
        conn.commit()

    lines = status(tmp_path, database_url).splitlines()

    assert lines[3].split()[:5] == ["full", "success", "2026-01-02", "15:00:04", "3.2s"]
