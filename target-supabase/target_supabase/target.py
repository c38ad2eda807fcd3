"""The Singer target: routes messages to sinks, checkpoints, and keeps the sync log."""

from __future__ import annotations

import copy
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Any, ClassVar

from psycopg2 import sql
from singer_sdk.exceptions import (
    ConfigValidationError,
    InvalidJSONSchema,
    InvalidRecord,
    MissingKeyPropertiesError,
    RecordsWithoutSchemaException,
)
from singer_sdk.helpers.capabilities import CapabilitiesEnum, PluginCapabilities
from singer_sdk.mapper import SameRecordTransform
from singer_sdk.singerlib.exceptions import InvalidInputLine
from singer_sdk.target_base import Target

from target_supabase.batch_files import BatchFileError, batch_records
from target_supabase.catalog import ensure_table, table_exists
from target_supabase.connection import Database, DatabaseError, scrub, secrets_of
from target_supabase.ddl import (
    SchemaEvolutionError,
    lock_schema_changes,
    missing_roles,
    preamble_statements,
    trigger_function_exists,
)
from target_supabase.loader import delete_children
from target_supabase.log_safety import escape_controls_in_logs
from target_supabase.names import UnusableNameError, fit_identifier, table_name
from target_supabase.overwrite import OverwritePlan
from target_supabase.reader import RAW_RECORD, UNREADABLE, FastSingerReader, binary_input
from target_supabase.replaced_sets import PendingReplacements
from target_supabase.reserved import ReservedTableError, TableClaims, refuse_reserved
from target_supabase.run_end import RunEnd
from target_supabase.run_summary import summary_table
from target_supabase.settings import CONFIG_SCHEMA, LoadSettings
from target_supabase.sink import SoftDeleteSink, TableSink, ValidatingSink
from target_supabase.snapshot_sink import SnapshotSink
from target_supabase.support_tables import support_table_specs
from target_supabase.sync_log import SyncLog, state_json
from target_supabase.table_spec import TableSpec
from target_supabase.validation import check_schema_shape
from target_supabase.versions import Versions, parse_version

if sys.version_info >= (3, 12):
    from typing import override
else:
    from typing_extensions import override

_REJECTION_LOG_LIMIT = 20


class TerminatedError(RuntimeError):
    """The target received SIGTERM or SIGINT."""


# Failures explained by their message alone (anything else keeps its traceback: a bug).
CLEAR_ERRORS = (
    DatabaseError,
    SchemaEvolutionError,
    InvalidRecord,
    MissingKeyPropertiesError,
    RecordsWithoutSchemaException,
    InvalidInputLine,
    InvalidJSONSchema,
    TerminatedError,
    BatchFileError,
    ReservedTableError,
    UnusableNameError,
)


class TargetSupabase(Target):
    """Loads Singer streams into Supabase (PostgreSQL) with COPY and upserts."""

    name = "target-supabase"
    capabilities: ClassVar[list[CapabilitiesEnum]] = [
        *Target.capabilities,
        PluginCapabilities.ACTIVATE_VERSION,
    ]
    config_jsonschema = CONFIG_SCHEMA
    # How long a failed run keeps trying to mark its sync-log row `failed` while the database
    # is unreachable (a Supabase restart takes seconds to a minute).
    failure_record_seconds = 60.0
    default_sink_class = TableSink
    message_reader_class = FastSingerReader

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.settings = LoadSettings.from_config(self.config)
        self.db = Database(self.config)
        self._secrets = secrets_of(self.config)
        self._support_specs = support_table_specs(self.settings)
        prefix = self.settings.table_prefix
        self.rejected_table = self.table_ident(fit_identifier(prefix + "rejected_records"))
        self.sync_log = SyncLog(
            self.db,
            self.table_ident(fit_identifier(prefix + "sync_logs")),
            {"target": self.name, "target_version": self.plugin_version},
        )
        self._started = False
        self._bookmark_properties: dict[str, list[str]] = {}
        self.replacements = PendingReplacements(self.settings.replace_sets)
        self.versions = Versions()
        self.overwrites = OverwritePlan()
        # With `overwrite`, no state is printed while rows wait in staging tables.
        self._hold_state = self.settings.load_method == "overwrite"
        self._rows_since_checkpoint = 0
        self._last_checkpoint = time.monotonic()
        self._emitted_state: Any = None
        self._rejections_logged = 0
        self._failure_recorded = False
        self._received_anything = False
        self._plain_sink_cache: dict[str, ValidatingSink] | None = None
        self._table_claims = TableClaims(self.settings.table_prefix, self.settings.table_names)

    @property
    def _env_var_config(self) -> dict[str, Any]:
        """TARGET_SUPABASE_* variables (`--config ENV`), `number` settings included: the SDK
        leaves those as strings, e.g. TARGET_SUPABASE_BATCH_MAX_SECONDS=10."""
        from target_supabase.ops.config import env_config  # imports this module

        return env_config()

    @override
    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        """The SDK's validation, its messages free of secrets: a password given as a number or
        an object is quoted by the validator (`98765 is not of type 'string'`)."""
        secrets = secrets_of(self._config)
        try:
            errors = super()._validate_config(raise_errors=raise_errors)
        except ConfigValidationError as exc:
            masked = [scrub(str(error), secrets) for error in exc.errors]
            raise ConfigValidationError(str(exc), errors=masked, schema=exc.schema) from None
        return [scrub(error, secrets) for error in errors]

    # --- the run ---

    @override  # type: ignore[misc]  # final in the SDK
    def listen(self, file_input: Any = None) -> None:
        try:
            super().listen(file_input)
        finally:
            self.db.close()

    @override  # type: ignore[misc]  # final in the SDK; overridden so failures reach the sync log
    def process_lines(self, file_input: Any) -> Counter[str]:
        with self._failures_recorded():
            return super().process_lines(binary_input(file_input))

    @contextmanager
    def _failures_recorded(self) -> Iterator[None]:
        try:
            yield
        except BaseException as exc:
            self._record_failure(exc)
            raise

    @classmethod
    @override
    def invoke(cls, *args: Any, **kwargs: Any) -> None:
        """The CLI: known failures end with one clear line on stderr and exit code 1."""
        escape_controls_in_logs()
        try:
            super().invoke(*args, **kwargs)
        except CLEAR_ERRORS as exc:
            cls.logger.error("target-supabase failed: %s", exc)
            sys.exit(1)

    def _start_run(self, message: bool = True) -> None:
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

    @override
    def process_endofpipe(self) -> None:
        with self._failures_recorded():
            self._finish_run()

    def _finish_run(self) -> None:
        self._start_run(message=False)
        marker = self.sync_log.marker
        # Before the final state: replaced tables and retired versions are part of what it covers.
        self._drain_everything()
        self.db.wait()
        RunEnd(self, marker, self._received_anything).apply()
        self._hold_state = False
        self.checkpoint()
        self.db.wait()
        status = marker.final_status(self._received_anything)
        for sink in [*self._sinks_to_clear, *self._sinks_active.values()]:
            sink.clean_up()
        error = None if self._received_anything else "the input was empty"
        self.sync_log.finish(status, state=self._emitted_state, error=error)
        self.logger.info("%s", summary_table(status, self.sync_log.totals))

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

    @override
    def _handle_termination(self, signum: int, frame: FrameType | None) -> None:
        # No draining from inside a signal handler (it may interrupt a COPY): stop here; what
        # was committed is covered by the last emitted state.
        msg = f"terminated by signal {signum}"
        raise TerminatedError(msg)

    # --- messages ---

    @override
    def _process_schema_message(self, message_dict: dict) -> None:
        self._plain_sink_cache = None
        self._start_run()
        bookmarks = message_dict.get("bookmark_properties")
        if bookmarks:
            self._bookmark_properties[message_dict["stream"]] = list(bookmarks)
        stream = message_dict.get("stream")
        check_schema_shape(stream, message_dict.get("schema"))
        try:
            super()._process_schema_message(message_dict)
        except InvalidJSONSchema as exc:
            msg = f"SCHEMA message of stream {stream!r} is not a valid JSON schema: {exc}"
            raise InvalidJSONSchema(msg) from None

    @override
    def _process_activate_version_message(self, message_dict: dict) -> None:
        self._assert_line_requires(message_dict, requires={"stream", "version"})
        self._start_run()
        stream, version = message_dict["stream"], message_dict["version"]
        if stream not in self.mapper.stream_maps:
            msg = f"ACTIVATE_VERSION of stream {stream!r} came before the stream's SCHEMA message"
            raise RecordsWithoutSchemaException(msg)
        if not self.config.get("process_activate_version_messages", True):
            self.logger.warning(
                "ACTIVATE_VERSION of stream %s ignored (process_activate_version_messages is "
                "false): rows the source no longer has stay as they are",
                stream,
            )
            return
        self.versions.activate(stream, parse_version(stream, version, "ACTIVATE_VERSION"))
        self.overwrites.versioned_streams.add(stream)
        self._use_version(stream, version)

    def _use_version(self, stream: str, version: Any) -> None:
        for stream_map in self.mapper.stream_maps.get(stream) or []:
            sink = self._sinks_active.get(stream_map.stream_alias)
            if isinstance(sink, TableSink) and sink.version != version:
                sink.use_version(parse_version(stream, version, "a message"))

    @override
    def _process_batch_message(self, message_dict: dict) -> None:
        """Each record of the files goes the way of a RECORD message (validation, rejection,
        upsert, checkpoints); a file that cannot be read fails the run before any later
        STATE message is read."""
        self._assert_line_requires(message_dict, requires={"stream", "encoding", "manifest"})
        self._start_run()
        for record_message in batch_records(message_dict):
            self._process_record_message(record_message)

    @override
    def _process_record_message(self, message_dict: dict) -> None:
        if message_dict.get("version") is not None:
            self._use_version(message_dict.get("stream"), message_dict["version"])  # type: ignore[arg-type]
        sink = self._plain_sinks.get(message_dict.get("stream"))  # type: ignore[arg-type]
        if UNREADABLE in message_dict:
            self._set_aside_unreadable(message_dict)
        elif sink is None:
            super()._process_record_message(message_dict)
        else:
            self._process_plain_record(sink, message_dict["record"])
        self._rows_since_checkpoint += 1
        # Age bounds a batch even for a tap that sends STATE rarely or never; the clock is read
        # every thousandth record only.
        if self._rows_since_checkpoint % _AGE_CHECK_EVERY_ROWS == 0 and self._may_checkpoint_now():
            self.checkpoint()

    def _set_aside_unreadable(self, message_dict: dict) -> None:
        """A record the reader could not read (see reader.py), set aside in its stream's sink."""
        stream = message_dict["stream"]
        maps = self.mapper.stream_maps.get(stream) or []
        sinks = [self._sinks_active.get(stream_map.stream_alias) for stream_map in maps]
        sink = next((found for found in sinks if isinstance(found, ValidatingSink)), None)
        if sink is None:
            msg = f"A record of stream {stream!r} came before its schema"
            raise RecordsWithoutSchemaException(msg)
        sink.set_aside_unreadable(message_dict[RAW_RECORD], message_dict[UNREADABLE])
        if sink.is_full:
            self.drain_one(sink)

    def _process_plain_record(self, sink: ValidatingSink, record: dict) -> None:
        """The SDK's record path for a stream without stream maps or flattening, minus what
        this target does not need per record (copying, metadata, context, record-age checks)."""
        sink._remove_sdc_metadata_from_record(record)
        sink._validate_and_parse(record)
        sink._singer_validate_message(record)
        sink.tally_record_read()
        sink.process_record(record, {})
        sink.record_counter_metric.increment()
        if sink.is_full:
            self.drain_one(sink)

    @property
    def _plain_sinks(self) -> dict[str, ValidatingSink]:
        """Sinks whose records go in as they come: one identity map, no flattening, no
        metadata columns."""
        if self._plain_sink_cache is None:
            self._plain_sink_cache = {
                name: sink
                for name, sink in self._sinks_active.items()
                if isinstance(sink, ValidatingSink) and self._is_plain(name, sink)
            }
        return self._plain_sink_cache

    def _is_plain(self, stream: str, sink: ValidatingSink) -> bool:
        maps = self.mapper.stream_maps.get(stream) or []
        return (
            len(maps) == 1
            and type(maps[0]) is SameRecordTransform
            and not maps[0].flattening_enabled
            and maps[0].stream_alias == stream
            and not sink.include_sdc_metadata_properties
        )

    @override
    def _process_state_message(self, message_dict: dict) -> None:
        self._assert_line_requires(message_dict, requires={"value"})
        self._start_run()
        self._latest_state = message_dict["value"]
        self.sync_log.marker.observe(self._latest_state or {})
        if self._checkpoint_due():
            self.checkpoint()

    @override
    def _handle_max_record_age(self) -> None:
        """Checkpoints happen on STATE messages (see _checkpoint_due), not by record age."""

    def _may_checkpoint_now(self) -> bool:
        """Due, and no parent's set of children is open: a set is deleted and reloaded in one
        transaction only when the checkpoint comes after all its rows (at a STATE message)."""
        return self._checkpoint_due() and not self.replacements.children_pending()

    def _checkpoint_due(self) -> bool:
        rows = _setting(self.config, "checkpoint_rows", 50000)
        seconds = _setting(self.config, "batch_max_seconds", 30)
        elapsed = time.monotonic() - self._last_checkpoint
        return self._rows_since_checkpoint >= rows or elapsed >= seconds

    def checkpoint(self) -> None:
        """Commit everything read so far, then record and emit the latest state (on the
        database's worker thread, after the batches' commits)."""
        self._drain_everything()
        state = copy.deepcopy(self._latest_state)
        self.db.later(lambda: self._record_checkpoint(state))
        self._rows_since_checkpoint = 0
        self._last_checkpoint = time.monotonic()

    @override
    def _write_state_message(self, state: dict) -> None:
        """The state as the tap wrote it: numbers with their exact digits (Decimal), NUL
        characters escaped, NaN as NaN (the SDK's json.dumps fails on Decimal)."""
        sys.stdout.write(state_json(state) + "\n")
        sys.stdout.flush()

    def _record_checkpoint(self, state: Any) -> None:
        if self._hold_state:
            # The committed rows are in staging tables: no state covers them yet.
            self.sync_log.checkpoint(self._emitted_state)
            return
        self.sync_log.checkpoint(state if state is not None else self._emitted_state)
        if state is not None and state != self._emitted_state:
            self._write_state_message(state)
            self._emitted_state = state

    def _drain_everything(self) -> None:
        for sink in self._sinks_to_clear:
            self._drain(sink)
        self._sinks_to_clear = []
        sinks = list(self._sinks_active.values())
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
            self.drain_one(sink)
        else:
            sink.flush()

    def drain_sink(self, sink: Any) -> None:
        """Commit what `sink` has buffered (before its table changes)."""
        self._drain(sink)
        self.db.wait()

    def drain_stream(self, stream: str) -> None:
        """Commit what is buffered for `stream` (before rows that depend on it)."""
        sink = self._sinks_active.get(stream)
        if sink is not None:
            self._drain(sink)

    def before_table_change(self, stream: str) -> None:
        """A new sink for `stream` may alter its table: commit the old sink's rows first."""
        for sink in self._sinks_to_clear:
            if sink.stream_name == stream:
                self._drain(sink)

    # --- sinks ---

    @override
    def get_sink_class(self, stream_name: str) -> type[ValidatingSink]:
        spec = self.settings.soft_deletes.get(stream_name)
        if spec is not None:
            return SnapshotSink if spec.snapshot else SoftDeleteSink
        return TableSink

    def replication_key_of(self, stream: str) -> str | None:
        bookmarks = self._bookmark_properties.get(stream) or []
        return bookmarks[0] if len(bookmarks) == 1 else None

    def table_ident(self, name: str) -> sql.Identifier:
        return sql.Identifier(self.settings.schema, name)

    def refuse_reserved(self, stream: str, spec: TableSpec) -> None:
        refuse_reserved(stream, spec, (support.name for support in self._support_specs))
        self._table_claims.claim(stream, spec.name)

    def stage_for(self, stream: str, spec: TableSpec, types: dict[str, str]) -> sql.Identifier:
        """Where the stream's batches go: its table, or with `overwrite` its staging table."""
        if self.settings.load_method != "overwrite":
            return spec.ident
        replication_key = self.replication_key_of(stream)
        replication = fit_identifier(replication_key) if replication_key else None
        return self.overwrites.stage(self.db, self.settings, stream, spec, types, replication)

    def table_sinks(self) -> list[TableSink]:
        """Every sink of this run that loads a table (older ones of a changed schema too)."""
        sinks = [*self._sinks_to_clear, *self._sinks_active.values()]
        return [sink for sink in sinks if isinstance(sink, TableSink)]

    def log_rejection(self, stream: str, error: str) -> None:
        if self._rejections_logged < _REJECTION_LOG_LIMIT:
            self.logger.warning("Rejected a record of stream %s: %s", stream, error)
        self._rejections_logged += 1

    # --- replaced sets (children replaced per parent key) ---

    def children_of(self, parent: str) -> list[str]:
        return self.replacements.children_of(parent)

    def note_parent(self, parent: str, record: dict) -> None:
        """A parent record arrived: the next rows of its children replace the current ones."""
        for child in self.replacements.children_of(parent):
            key = self.replacements.note_parent(child, record)
            sink = self._sinks_active.get(child)
            if isinstance(sink, TableSink):
                sink.supersede(key)

    def _apply_orphan_replacements(self) -> None:
        """Parents whose child stream sent nothing this run: their old children go."""
        for child in self.replacements.children_pending():
            if child in self._sinks_active:
                continue
            parents = self.replacements.take(child)
            prefix, names = self.settings.table_prefix, self.settings.table_names
            table = self.table_ident(table_name(child, prefix, names))
            timeout = self.settings.statement_timeout_seconds
            with self.db.transaction(timeout, what=f"replacing rows of {child}") as cur:
                if table_exists(cur, table):
                    delete_children(cur, table, self.replacements.parent_columns(child), parents)


_AGE_CHECK_EVERY_ROWS = 1000


def _setting(config: Mapping[str, Any], name: str, default: float) -> float:
    value = config.get(name)
    return default if value is None else float(value)


def main(argv: Sequence[str] | None = None) -> None:
    TargetSupabase.cli(argv)
