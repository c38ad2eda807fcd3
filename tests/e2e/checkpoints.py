"""The checkpoint promise: a STATE the target confirmed never covers rows it has not committed.

The tap's output of a run is kept by the relay. For a state the target printed, every record the
tap sent before that STATE must already be in the database, at least as new as the record.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from e2e.tables import fetch_rows

# stream -> (table, key property) for the streams whose loss would matter most.
CHECKED_STREAMS = {
    "conversations": ("intercom_conversations", "conversation_id"),
    "conversation_parts": ("intercom_messages", "message_id"),
    "contacts": ("intercom_users", "contact_id"),
}


@dataclass(frozen=True)
class SentRecord:
    stream: str
    key: str
    updated_at: str | None


def singer_messages(tap_output: Path) -> Iterator[dict[str, Any]]:
    """The complete Singer messages in the tap's output (a killed tap may leave half a line)."""
    with tap_output.open("rb") as lines:
        for raw in lines:
            if not raw.endswith(b"\n"):
                return
            try:
                yield json.loads(raw)
            except ValueError:
                continue


def records_before_state(tap_output: Path, state: dict[str, Any]) -> list[SentRecord] | None:
    """The checked records the tap sent before its last STATE equal to `state`; None if the tap
    never sent that state."""
    sent: list[SentRecord] = []
    covered: list[SentRecord] | None = None
    for message in singer_messages(tap_output):
        kind = message.get("type")
        if kind == "STATE" and message.get("value") == state:
            covered = list(sent)
        elif kind == "RECORD" and message.get("stream") in CHECKED_STREAMS:
            sent.append(_sent_record(message))
    return covered


def uncommitted_but_covered(
    database_url: str, tap_output: Path, state: dict[str, Any]
) -> list[str]:
    """Problems with `state`: records it covers that are not (or not yet as new) in the tables."""
    covered = records_before_state(tap_output, state)
    if covered is None:
        return ["the target confirmed a state the tap never sent"]
    problems = []
    loaded = {stream: _loaded(database_url, stream) for stream in CHECKED_STREAMS}
    for record in covered:
        if record.key not in loaded[record.stream]:
            problems.append(f"{record.stream} {record.key} covered by the state but not loaded")
        elif not _at_least_as_new(loaded[record.stream][record.key], record.updated_at):
            problems.append(f"{record.stream} {record.key} covered by the state but stale")
    return problems


def _sent_record(message: dict[str, Any]) -> SentRecord:
    _, key = CHECKED_STREAMS[message["stream"]]
    record = message.get("record") or {}
    return SentRecord(message["stream"], str(record.get(key)), record.get("updated_at"))


def _loaded(database_url: str, stream: str) -> dict[str, Any]:
    table, key = CHECKED_STREAMS[stream]
    rows = fetch_rows(database_url, table, [key, "updated_at"])
    return {str(row[key]): row.get("updated_at") for row in rows}


def _at_least_as_new(loaded: Any, sent: str | None) -> bool:
    if sent is None or not isinstance(loaded, datetime):
        return True
    return bool(loaded >= datetime.fromisoformat(sent.replace("Z", "+00:00")))
