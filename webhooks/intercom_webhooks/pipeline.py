"""One targeted fetch: `tap-intercom --config X | target-supabase --config Y`, in this process.

The tap runs with the batch's id lists (`conversation_ids`, `contact_ids`, `company_ids`,
`ticket_ids`): one `GET` per object, the whole object, parts and tags of conversations too, no
bookmark moved. Its Singer messages go to a spooled temporary file (memory bounded), then the
target loads them as it loads any run: validation, rejected records, upserts that never replace a
row by an older version, a sync-log row (`sync_type` `objects` or `conversations`).

In process rather than two subprocesses per batch: starting two Python programs with the Meltano
SDK costs seconds of CPU, which at a batch a second would use up a 2-core machine; and every batch
draws on one rate budget (`RateBudget`), so the receiver's requests stay paced under
`max_requests_per_minute` and Intercom's headers across batches, not only within one.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from singer_sdk.singerlib.encoding.simple import SimpleSingerWriter
from tap_intercom.ratelimit import RateBudget
from tap_intercom.tap import TapIntercom
from target_supabase.target import TargetSupabase

# kind → (the tap's id-list setting, its stream, the stream's key)
KINDS = {
    "conversation": ("conversation_ids", "conversations", "conversation_id"),
    "contact": ("contact_ids", "contacts", "contact_id"),
    "company": ("company_ids", "companies", "company_id"),
    "ticket": ("ticket_ids", "tickets", "ticket_id"),
}
_KEYS = {stream: (kind, key) for kind, (_, stream, key) in KINDS.items()}
SPOOL_MEMORY_BYTES = 8 * 1024 * 1024
ObjectRef = tuple[str, str]  # (kind, id)


@dataclass
class BatchResult:
    run_id: str
    written: set[ObjectRef] = field(default_factory=set)  # objects the tap sent a record of
    fetch_seconds: float = 0.0
    load_seconds: float = 0.0


class _SpoolWriter(SimpleSingerWriter):
    """Writes the tap's messages to `out` and notes which objects it sent."""

    def __init__(self, out: IO[bytes], written: set[ObjectRef]) -> None:
        self._out = out
        self._written = written

    def write_message(self, message: Any) -> None:
        stream = getattr(message, "stream", None)
        record = getattr(message, "record", None)
        if stream in _KEYS and isinstance(record, dict):
            kind, key = _KEYS[stream]
            self._written.add((kind, str(record.get(key))))
        self._out.write(self.format_message(message).encode() + b"\n")


class _BatchTarget(TargetSupabase):
    """The target, its STATE lines dropped: a targeted run has no bookmark to keep."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.run.sync_log.closes_stale_runs = False

    def _write_state_message(self, state: dict) -> None:
        return


def tap_config_for(tap_config: Mapping[str, Any], refs: list[ObjectRef]) -> dict[str, Any]:
    config = {k: v for k, v in tap_config.items() if k not in {s for s, _, _ in KINDS.values()}}
    for kind, (setting, _, _) in KINDS.items():
        ids = [object_id for ref_kind, object_id in refs if ref_kind == kind]
        if ids:
            config[setting] = ids
    return config


def run_batch(
    tap_config: Mapping[str, Any],
    target_config: Mapping[str, Any],
    refs: list[ObjectRef],
    budget: RateBudget,
) -> BatchResult:
    """Fetch `refs` whole and load them; raises what the tap or the target raised (nothing is
    loaded when the tap fails)."""
    written: set[ObjectRef] = set()
    started = time.monotonic()
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES, mode="w+b") as spool:
        tap = TapIntercom(
            config=tap_config_for(tap_config, refs), message_writer=_SpoolWriter(spool, written)
        )
        tap.budget = budget
        tap.sync_all()
        fetched = time.monotonic()
        spool.seek(0)
        _BatchTarget(config=dict(target_config)).listen(file_input=spool)
    loaded = time.monotonic()
    return BatchResult(tap.runtime.run_id, written, fetched - started, loaded - fetched)
