"""Id snapshots: the complete list of the ids Intercom still has, for deletions polling cannot see.

Intercom's search and list endpoints simply stop returning a deleted contact or company, and a lead
merged into a user is "permanently removed from the active contact list" (intercom/Intercom-OpenAPI
PR #454, spec 2.16 L8925). So the tap lists every id now and then and the target marks the rows the
list no longer holds (target_supabase/snapshot_sink.py). The tap never sees the database, so the
comparison happens in the target; the tap only promises that a snapshot is whole: its last record
(`complete: true`, with the number of live ids) is written only once the listing has ended without
an error. A listing that fails part way writes no such record and the target marks nothing.

Records of a snapshot stream, in order: one per live id (`object_id`), one per id merged into a
live contact (`object_id` and `merged_into_id`, 2.16's merge history), then the closing record.
How often: `deletion_check_interval_hours` (0: every run); the time of the last whole snapshot is
the stream's bookmark (`checked_at` in its state).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

logger = logging.getLogger("tap-intercom")

CHECKED_AT = "checked_at"


def check_due(stream_state: dict[str, Any], interval_hours: int, now: datetime) -> bool:
    """Whether this run lists the ids: never checked, or the interval has passed (0: always)."""
    last = stream_state.get(CHECKED_AT)
    if interval_hours == 0 or not last:
        return True
    try:
        checked = datetime.fromisoformat(str(last))
    except ValueError:
        return True
    return now >= checked + timedelta(hours=interval_hours)


@dataclass
class Snapshot:
    """One listing of ids: its records, counted (not kept: a million ids would not fit a small
    machine's memory), and the closing record once it is whole."""

    stream: str
    listed_from: datetime
    snapshot_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    live: int = 0
    merged: int = 0

    def live_record(self, object_id: str) -> dict[str, Any]:
        self.live += 1
        return self._record(object_id, None)

    def merged_record(self, source_id: str, into_id: str) -> dict[str, Any]:
        self.merged += 1
        return self._record(source_id, into_id)

    def closing(self) -> dict[str, Any]:
        """The last record: the listing ended whole, with this many live-id records (a list
        that returned an id twice counts it twice, on both sides)."""
        record = self._record(None, None)
        record |= {"complete": True, "live_count": self.live}
        return record

    def _record(self, object_id: str | None, into: str | None) -> dict[str, Any]:
        return {
            "snapshot_id": self.snapshot_id,
            "object_id": object_id,
            "merged_into_id": into,
            "complete": False,
            "live_count": None,
            "listed_from": self.listed_from.isoformat(),
        }


def merged_pairs(contact: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(source, target) for each contact merged into this one (`merge_history`, 2.16 only,
    returned with include_merge_history=true for `user` contacts: spec 2.16 L8909, L25454)."""
    for item in contact.get("merge_history") or []:
        source = item.get("source_contact_id") if isinstance(item, dict) else None
        if source:
            yield str(source), str(contact["id"])


def now_utc() -> datetime:
    return datetime.now(timezone.utc)
