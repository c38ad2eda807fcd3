"""The sync log must tell the truth about each run: its row, found by the tap's run id, has the
run's type and status, and counts that match what the tap actually sent."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from e2e.checkpoints import singer_messages

# Sync log count columns and the stream each one counts (docs/tables.md, `intercom_sync_logs`).
COUNT_COLUMNS = {
    "conversations_synced": "conversations",
    "messages_synced": "conversation_parts",
    "users_synced": "contacts",
}


def sent_by_tap(tap_output: Path) -> tuple[dict[str, Any], Counter[str]]:
    """The tap's last `sync` marker, and how many records it sent per stream."""
    marker: dict[str, Any] = {}
    counts: Counter[str] = Counter()
    for message in singer_messages(tap_output):
        if message.get("type") == "RECORD":
            counts[message["stream"]] += 1
        elif message.get("type") == "STATE":
            marker = (message.get("value") or {}).get("sync") or marker
    return marker, counts


def row_for_run(log: list[dict[str, Any]], run_id: str) -> dict[str, Any] | None:
    for row in log:
        if ((row.get("state") or {}).get("sync") or {}).get("run_id") == run_id:
            return row
    return None


def successful_run_problems(log: list[dict[str, Any]], tap_output: Path) -> list[str]:
    """How the sync log row of a successful run disagrees with what the tap sent."""
    marker, counts = sent_by_tap(tap_output)
    row = row_for_run(log, marker.get("run_id", ""))
    if row is None:
        return [f"no sync log row for run {marker.get('run_id')}"]
    skipped = marker.get("skipped_streams") or {}
    expected = {
        "status": "partial" if skipped else "success",
        "sync_type": marker.get("type"),
        "skipped_streams": skipped,
    }
    expected |= {column: counts[stream] for column, stream in COUNT_COLUMNS.items()}
    problems = [
        f"sync log {name}: expected {value!r}, got {row.get(name)!r}"
        for name, value in expected.items()
        if row.get(name) != value
    ]
    by_stream = {stream: n for stream, n in (row.get("records_by_stream") or {}).items() if n}
    if by_stream != dict(counts):
        problems.append(f"sync log records_by_stream: expected {dict(counts)}, got {by_stream}")
    if row.get("completed_at") is None:
        problems.append("sync log completed_at is empty")
    return problems
