"""The `sync_logs` table: one row per run, from `running` to `success`, `partial`, `failed` or
`incomplete`.

The tap's STATE carries a `sync` marker (docs/architecture.md): `type` becomes `sync_type`,
`complete: true` on the last STATE tells a finished run from an interrupted one, and
`skipped_streams` names the streams the tap set aside (a missing permission...): a finished run
that skipped any is `partial`, never `success`.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import psycopg2
import simplejson
from psycopg2 import sql

from target_supabase.db.connection import Database
from target_supabase.db.loader import visible_nuls
from target_supabase.db.refusals import refuses_a_row
from target_supabase.encoding import dump_json

UNKNOWN_SYNC_TYPE = "unknown"
STALE_RUN_MESSAGE = "interrupted: still running when a later run started (the target was killed)"
# sync_logs columns counting the records of these streams (the tap's stream names).
COUNTED_STREAMS = {
    "conversations_synced": "conversations",
    "messages_synced": "conversation_parts",
    "users_synced": "contacts",
}


@dataclass
class RunTotals:
    """What has been committed so far in this run."""

    records_by_stream: Counter[str] = field(default_factory=Counter)
    rejected_records: int = 0
    nul_characters_removed: int = 0
    marked_deleted: Counter[str] = field(default_factory=Counter)  # table → rows

    def add(self, stream: str, records: int, rejected: int, nul_removed: int) -> None:
        self.records_by_stream[stream] += records
        self.rejected_records += rejected
        self.nul_characters_removed += nul_removed


@dataclass
class SyncMarker:
    """The tap's `sync` object in the latest STATE, if any."""

    seen: bool = False
    sync_type: str = UNKNOWN_SYNC_TYPE
    complete: bool = False
    run_id: str | None = None
    skipped_streams: dict[str, str] = field(default_factory=dict)

    def observe(self, state: Mapping[str, Any]) -> None:
        marker = state.get("sync") if isinstance(state, Mapping) else None
        if not isinstance(marker, Mapping):
            return
        self.seen = True
        self.sync_type = str(marker.get("type") or UNKNOWN_SYNC_TYPE)
        self.complete = marker.get("complete") is True
        self.run_id = marker.get("run_id") or self.run_id
        skipped = marker.get("skipped_streams")
        if isinstance(skipped, Mapping):
            self.skipped_streams = {str(name): str(why) for name, why in skipped.items()}

    def final_status(self, received_anything: bool) -> str:
        """`incomplete` without the end marker after a start marker, or after empty input (the
        tap died before its first message); `partial` when the tap finished but skipped
        streams; otherwise `success`."""
        if not received_anything or (self.seen and not self.complete):
            return "incomplete"
        return "partial" if self.skipped_streams else "success"


def state_json(state: Any) -> str:
    """A state as the tap wrote it: Decimal numbers with their digits, NaN as NaN, NULs
    escaped."""
    return str(simplejson.dumps(state, use_decimal=True, allow_nan=True))


class SyncLog:
    """Writes this run's row; each write is its own short transaction."""

    # False for the webhook receiver's short runs (webhooks/): they run beside the scheduled
    # pipeline, whose `running` row is alive and must not be closed by them.
    closes_stale_runs = True

    def __init__(self, db: Database, table: sql.Identifier, metadata: Mapping[str, Any]) -> None:
        self._db = db
        self._table = table
        self._metadata = dict(metadata)
        self.row_id: int | None = None
        self.marker = SyncMarker()
        self.totals = RunTotals()

    def start(self) -> None:
        self._metadata.setdefault("target_run_id", str(uuid.uuid4()))
        with self._db.transaction(what="starting the sync log") as cur:
            # A killed target (SIGKILL, lost machine) cannot finish its row: a run starting
            # while an older one is still `running` closes it. One pipeline per sync log: an
            # older run that is in fact alive sets its own status again at its next checkpoint.
            if self.closes_stale_runs:
                cur.execute(
                    sql.SQL(
                        "UPDATE {} SET status = 'incomplete', completed_at = now(), "
                        "error_message = coalesce(error_message, %s) WHERE status = 'running'"
                    ).format(self._table),
                    (STALE_RUN_MESSAGE,),
                )
            cur.execute(
                sql.SQL(
                    "INSERT INTO {} (status, sync_type, metadata) VALUES ('running', %s, %s) "
                    "RETURNING id"
                ).format(self._table),
                (UNKNOWN_SYNC_TYPE, dump_json(self._metadata)),
            )
            row = cur.fetchone()
            self.row_id = int(row[0]) if row else None

    def checkpoint(self, state: Any) -> None:
        """Counts and last state after a commit; the run is still `running`."""
        self._update("running", state=state)

    def finish(self, status: str, state: Any, error: str | None = None) -> None:
        self._update(status, state=state, error=error, completed=True)

    def _update(
        self, status: str, state: Any, error: str | None = None, completed: bool = False
    ) -> None:
        if self.row_id is None:
            return
        totals = self.totals
        counts = {column: totals.records_by_stream[s] for column, s in COUNTED_STREAMS.items()}
        assignments = sql.SQL(", ").join(
            sql.SQL("{} = %s").format(sql.Identifier(column)) for column in counts
        )
        statement = sql.SQL(
            "UPDATE {} SET status = %s, sync_type = %s, run_id = %s, {}, "
            "records_by_stream = %s, rejected_records = %s, nul_characters_removed = %s, "
            "skipped_streams = %s, rows_marked_deleted = %s, "
            "state = coalesce({}, state), "
            # A live run that a later one took for dead (see `start`) clears the verdict.
            "error_message = CASE WHEN %s IN ('running', 'success', 'partial') THEN NULL "
            "ELSE coalesce(%s, error_message) END, "
            "completed_at = CASE WHEN %s THEN now() END WHERE id = %s"
        )
        params = (
            status,
            self.marker.sync_type,
            self.marker.run_id,
            *counts.values(),
            dump_json(dict(totals.records_by_stream)),
            totals.rejected_records,
            totals.nul_characters_removed,
            dump_json(self.marker.skipped_streams),
            dump_json(dict(totals.marked_deleted)),
            None if state is None else state_json(state),
            status,
            None if error is None else visible_nuls(error),
            completed,
            self.row_id,
        )
        as_jsonb = statement.format(self._table, assignments, sql.SQL("%s::jsonb"))
        with self._db.transaction(what="updating the sync log") as cur:
            if state is None:
                cur.execute(as_jsonb, params)
                return
            # A state jsonb cannot hold (a NUL character, NaN, a number beyond numeric) is
            # stored as a JSON string holding the state's JSON text, exactly as it was emitted.
            try:
                cur.execute(sql.SQL("SAVEPOINT state_as_jsonb; {}").format(as_jsonb), params)
            except psycopg2.Error as exc:
                if not refuses_a_row(exc):
                    raise
                cur.execute("ROLLBACK TO SAVEPOINT state_as_jsonb")
                as_text = statement.format(self._table, assignments, sql.SQL("to_jsonb(%s::text)"))
                cur.execute(as_text, params)
