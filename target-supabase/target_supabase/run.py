"""One load run: everything the target keeps between its first message and the end of the input.

`LoadRun` owns the run's state and decides when it moves: the sync-log row (started with the
first message, finished at the end or on a failure), checkpoints (when rows are committed and
when a STATE may be printed), the drain order (sinks a new SCHEMA replaced, then table sinks,
then orphaned replaced sets, then deletion marks), replaced sets, `overwrite` staging, activated
versions and the rejected-records log. The target (target.py) hands it messages; sinks get it as
an explicit argument and never reach back into the target.
"""

from __future__ import annotations

import copy
import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from psycopg2 import sql
from singer_sdk.exceptions import RecordsWithoutSchemaException

from target_supabase.db.catalog import ensure_table, table_exists
from target_supabase.db.connection import Database, DatabaseError, scrub, secrets_of
from target_supabase.db.ddl import (
    lock_schema_changes,
    missing_roles,
    preamble_statements,
    trigger_function_exists,
)
from target_supabase.db.loader import delete_children, insert_rejected
from target_supabase.overwrite import OverwritePlan
from target_supabase.replaced_sets import PendingReplacements
from target_supabase.run_end import RunEnd
from target_supabase.run_summary import summary_table
from target_supabase.sdk_bridge import SinkRegistry
from target_supabase.settings import LoadSettings
from target_supabase.sink import SoftDeleteSink, TableSink, ValidatingSink
from target_supabase.sync_log import SyncLog, state_json
from target_supabase.tables.names import fit_identifier, table_name
from target_supabase.tables.reserved import refuse_reserved
from target_supabase.tables.support_tables import support_table_specs
from target_supabase.tables.table_spec import TableSpec
from target_supabase.versions import Versions, parse_version

REJECTION_LOG_LIMIT = 20
# Age bounds a batch even for a tap that sends STATE rarely or never; the clock is read every
# thousandth record only.
AGE_CHECK_EVERY_ROWS = 1000


class LoadRun:
    """The state of one run of the target, and the rules for moving it."""

    # How long a failed run keeps trying to mark its sync-log row `failed` while the database
    # is unreachable (a Supabase restart takes seconds to a minute).
    failure_record_seconds = 60.0

    def __init__(
        self,
        config: dict[str, Any],
        sinks: SinkRegistry,
        logger: logging.Logger,
        metadata: dict[str, Any],
        emit_state: Callable[[Any], None],
    ) -> None:
        self.settings = LoadSettings.from_config(config)
        self.db = Database(config)
        self.sinks = sinks
        self.logger = logger
        self._emit_state = emit_state  # prints a STATE message (the target's _write_state_message)
        self._secrets = secrets_of(config)
        self._support_specs = support_table_specs(self.settings)
        prefix = self.settings.table_prefix
        self.rejected_table = self.table_ident(fit_identifier(prefix + "rejected_records"))
        self.sync_log = SyncLog(
            self.db, self.table_ident(fit_identifier(prefix + "sync_logs")), metadata
        )
        self.replacements = PendingReplacements(self.settings.replace_sets)
        self.versions = Versions()
        self.overwrites = OverwritePlan()
        self._started = False
        self._received_anything = False
        self._failure_recorded = False
        self._bookmark_properties: dict[str, list[str]] = {}
        # With `overwrite`, no state is printed while rows wait in staging tables.
        self._hold_state = self.settings.load_method == "overwrite"
        self._rows_since_checkpoint = 0
        self._last_checkpoint = time.monotonic()
        self.latest_state: Any = None
        self._emitted_state: Any = None
        self._rejections_logged = 0

    # --- start and end ---

    def start(self, message: bool = True) -> None:
        """Called for every message: the first one creates the tables and the sync-log row."""
        self._received_anything = self._received_anything or message
        if self._started:
            return
        self._started = True
        timeout = self.settings.statement_timeout_seconds
        with self.db.transaction(timeout, what="creating the target's tables") as cur:
            lock_schema_changes(cur, self.settings)
            function_exists = trigger_function_exists(cur, self.settings)
            for statement in preamble_statements(self.settings, function_exists):
                cur.execute(statement)
            self._note_missing_roles(missing_roles(cur, self.settings))
        for spec in self._support_specs:
            ensure_table(self.db, spec, self.settings)
        self.sync_log.start()
        self._last_checkpoint = time.monotonic()

    def _note_missing_roles(self, missing: list[str]) -> None:
        if missing:
            self.logger.info(
                "No privileges set for roles the database does not have: %s (plain PostgreSQL "
                "has none of Supabase's roles)",
                ", ".join(missing),
            )

    def finish(self) -> None:
        """The input ended: commit everything, replace and retire, print the final state."""
        self.start(message=False)
        marker = self.sync_log.marker
        # Before the final state: replaced tables and retired versions are part of what it covers.
        self.drain_everything()
        self.db.wait()
        RunEnd(self, marker, self._received_anything).apply()
        self._hold_state = False
        self.checkpoint()
        self.db.wait()
        status = marker.final_status(self._received_anything)
        for sink in [*self.sinks.retired(), *self.sinks.active().values()]:
            sink.clean_up()
        error = None if self._received_anything else "the input was empty"
        self.sync_log.finish(status, state=self._emitted_state, error=error)
        self.logger.info("%s", summary_table(status, self.sync_log.totals))

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def failures_recorded(self) -> Iterator[None]:
        """A failure inside ends the sync-log row `failed` (then goes on)."""
        try:
            yield
        except BaseException as exc:
            self._record_failure(exc)
            raise

    def _record_failure(self, exc: BaseException) -> None:
        if not self._started or self._failure_recorded:
            return
        self._failure_recorded = True
        message = scrub(str(exc) or type(exc).__name__, self._secrets)
        unreported = self.db.stop_later_jobs()
        if unreported is not None and unreported is not exc:
            self.logger.warning("Loading also failed: %s", scrub(str(unreported), self._secrets))
        self.db.reset()
        try:
            self._finish_failed(message)
        except Exception as log_exc:
            self.logger.warning("Could not record the failure in the sync log: %s", log_exc)

    def _finish_failed(self, message: str) -> None:
        """End the row `failed`, trying again for a while: a failure caused by the database
        going away (a restart) finds it down, and the row would stay `running`."""
        deadline = time.monotonic() + self.failure_record_seconds
        delay = 0.25
        while True:
            try:
                # The row keeps the state of the last committed checkpoint.
                self.sync_log.finish("failed", state=None, error=message)
                return
            except DatabaseError as exc:
                if time.monotonic() + delay > deadline:
                    raise
                if delay == 0.25:
                    self.logger.warning(
                        "Recording the failure in the sync log: %s; trying again for up to %.0f s",
                        exc,
                        self.failure_record_seconds,
                    )
                time.sleep(delay)
                delay = min(delay * 2, 4.0)
                self.db.reset()

    # --- messages ---

    def note_schema(self, message_dict: dict) -> None:
        self.start()
        bookmarks = message_dict.get("bookmark_properties")
        if bookmarks:
            self._bookmark_properties[message_dict["stream"]] = list(bookmarks)

    def activate_version(self, stream: str, version: Any, *, enabled: bool) -> None:
        """ACTIVATE_VERSION of `stream` (`enabled`: process_activate_version_messages)."""
        self.start()
        if not self.sinks.knows(stream):
            msg = f"ACTIVATE_VERSION of stream {stream!r} came before the stream's SCHEMA message"
            raise RecordsWithoutSchemaException(msg)
        if not enabled:
            self.logger.warning(
                "ACTIVATE_VERSION of stream %s ignored (process_activate_version_messages is "
                "false): rows the source no longer has stay as they are",
                stream,
            )
            return
        self.versions.activate(stream, parse_version(stream, version, "ACTIVATE_VERSION"))
        self.overwrites.versioned_streams.add(stream)
        self.use_version(stream, version)

    def use_version(self, stream: str, version: Any) -> None:
        """`version` of `stream` arrived (ACTIVATE_VERSION, or a record's `version`)."""
        for sink in self.sinks.of_stream(stream):
            if isinstance(sink, TableSink) and sink.version != version:
                sink.use_version(parse_version(stream, version, "a message"))

    def note_state(self, state: Any) -> None:
        self.start()
        self.latest_state = state
        self.sync_log.marker.observe(state or {})
        if self._checkpoint_due():
            self.checkpoint()

    def note_record(self) -> None:
        self._rows_since_checkpoint += 1
        if self._rows_since_checkpoint % AGE_CHECK_EVERY_ROWS == 0 and self._may_checkpoint_now():
            self.checkpoint()

    # --- checkpoints ---

    def _may_checkpoint_now(self) -> bool:
        """Due, and no parent's set of children is open: a set is deleted and reloaded in one
        transaction only when the checkpoint comes after all its rows (at a STATE message)."""
        return self._checkpoint_due() and not self.replacements.children_pending()

    def _checkpoint_due(self) -> bool:
        elapsed = time.monotonic() - self._last_checkpoint
        return (
            self._rows_since_checkpoint >= self.settings.checkpoint_rows
            or elapsed >= self.settings.batch_max_seconds
        )

    def checkpoint(self) -> None:
        """Commit everything read so far, then record and emit the latest state (on the
        database's worker thread, after the batches' commits)."""
        self.drain_everything()
        state = copy.deepcopy(self.latest_state)
        self.db.later(lambda: self._record_checkpoint(state))
        self._rows_since_checkpoint = 0
        self._last_checkpoint = time.monotonic()

    def _record_checkpoint(self, state: Any) -> None:
        if self._hold_state:
            # The committed rows are in staging tables: no state covers them yet.
            self.sync_log.checkpoint(self._emitted_state)
            return
        self.sync_log.checkpoint(state if state is not None else self._emitted_state)
        if state is not None and state != self._emitted_state:
            self._emit_state(state)
            self._emitted_state = state

    # --- drain order ---

    def drain_everything(self) -> None:
        for sink in self.sinks.retired():
            self._drain(sink)
        self.sinks.forget_retired()
        sinks = list(self.sinks.active().values())
        for sink in sinks:
            if not isinstance(sink, SoftDeleteSink):
                self._drain(sink)
        self._apply_orphan_replacements()
        for sink in sinks:
            if isinstance(sink, SoftDeleteSink):
                self._drain(sink)

    def _drain(self, sink: Any) -> None:
        if not isinstance(sink, ValidatingSink) or not sink.has_work():
            return
        if sink.current_size:
            self.sinks.drain_one(sink)
        else:
            sink.flush()

    def drain_sink(self, sink: Any) -> None:
        """Commit what `sink` has buffered (before its table changes)."""
        self._drain(sink)
        self.db.wait()

    def drain_stream(self, stream: str) -> None:
        """Commit what is buffered for `stream` (before rows that depend on it)."""
        sink = self.sinks.active().get(stream)
        if sink is not None:
            self._drain(sink)

    def before_table_change(self, stream: str) -> None:
        """A new sink for `stream` may alter its table: commit the old sink's rows first."""
        for sink in self.sinks.retired():
            if sink.stream_name == stream:
                self._drain(sink)

    def table_sinks(self) -> list[TableSink]:
        """Every sink of this run that loads a table (older ones of a changed schema too)."""
        sinks = [*self.sinks.retired(), *self.sinks.active().values()]
        return [sink for sink in sinks if isinstance(sink, TableSink)]

    # --- tables ---

    def replication_key_of(self, stream: str) -> str | None:
        bookmarks = self._bookmark_properties.get(stream) or []
        return bookmarks[0] if len(bookmarks) == 1 else None

    def table_ident(self, name: str) -> sql.Identifier:
        return sql.Identifier(self.settings.schema, name)

    def refuse_reserved(self, stream: str, spec: TableSpec) -> None:
        refuse_reserved(stream, spec, (support.name for support in self._support_specs))

    def stage_for(self, stream: str, spec: TableSpec, types: dict[str, str]) -> sql.Identifier:
        """Where the stream's batches go: its table, or with `overwrite` its staging table."""
        if self.settings.load_method != "overwrite":
            return spec.ident
        replication_key = self.replication_key_of(stream)
        replication = fit_identifier(replication_key) if replication_key else None
        return self.overwrites.stage(self.db, self.settings, stream, spec, types, replication)

    # --- rejected records ---

    def log_rejection(self, stream: str, error: str) -> None:
        if self._rejections_logged < REJECTION_LOG_LIMIT:
            self.logger.warning("Rejected a record of stream %s: %s", stream, error)
        self._rejections_logged += 1

    def insert_rejected(self, cur: Any, stream: str, rejected: list[tuple[str, str]]) -> None:
        insert_rejected(cur, self.rejected_table, self.sync_log.row_id, stream, rejected)

    # --- replaced sets (children replaced per parent key) ---

    def children_of(self, parent: str) -> list[str]:
        return self.replacements.children_of(parent)

    def note_parent(self, parent: str, record: dict) -> None:
        """A parent record arrived: the next rows of its children replace the current ones."""
        for child in self.replacements.children_of(parent):
            key = self.replacements.note_parent(child, record)
            sink = self.sinks.active().get(child)
            if isinstance(sink, TableSink):
                sink.supersede(key)

    def _apply_orphan_replacements(self) -> None:
        """Parents whose child stream sent nothing this run: their old children go."""
        for child in self.replacements.children_pending():
            if child in self.sinks.active():
                continue
            parents = self.replacements.take(child)
            prefix, names = self.settings.table_prefix, self.settings.table_names
            table = self.table_ident(table_name(child, prefix, names))
            timeout = self.settings.statement_timeout_seconds
            with self.db.transaction(timeout, what=f"replacing rows of {child}") as cur:
                if table_exists(cur, table):
                    delete_children(cur, table, self.replacements.parent_columns(child), parents)


def write_state(state: Any) -> None:
    """The state as the tap wrote it: numbers with their exact digits (Decimal), NUL
    characters escaped, NaN as NaN (the SDK's json.dumps fails on Decimal)."""
    sys.stdout.write(state_json(state) + "\n")
    sys.stdout.flush()
