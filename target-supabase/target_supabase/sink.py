"""Sinks: each stream's records, validated, encoded and loaded one transaction per batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import psycopg2.extensions
from singer_sdk.exceptions import InvalidJSONSchema, InvalidRecord, MissingKeyPropertiesError
from singer_sdk.sinks import BatchSink

from target_supabase.db.catalog import ensure_table, table_exists
from target_supabase.db.loader import (
    Batch,
    TableLoad,
    add_column,
    delete_children,
    load,
    load_setting_aside,
    soft_delete,
)
from target_supabase.db.refusals import load_isolating
from target_supabase.encoding import JSON_NUL, NUL, RowEncoder, UnstorableValueError, dump_json
from target_supabase.fresh_stack import on_fresh_stack
from target_supabase.latest import LatestByKey
from target_supabase.reader import NESTED_TOO_DEEP, REPLACEMENT_CHARACTER
from target_supabase.tables.names import column_names, fit_identifier, table_name
from target_supabase.tables.table_spec import (
    DELETED_AT_COLUMN,
    VERSION_COLUMN,
    Column,
    StreamShape,
    TableSpec,
    stream_table_spec,
    version_columns,
)
from target_supabase.validation import FastValidator
from target_supabase.versions import with_version_columns

if TYPE_CHECKING:
    from singer_sdk.target_base import Target

    from target_supabase.run import LoadRun


class ValidatingSink(BatchSink):
    """Validation with rejection instead of failure (unless `on_invalid_record: fail`)."""

    def __init__(
        self,
        target: Target,
        stream_name: str,
        schema: dict,
        key_properties: Sequence[str] | None,
        *,
        run: LoadRun,
    ) -> None:
        self.run = run
        self.settings = run.settings
        super().__init__(target, stream_name, schema, key_properties)
        self.batch = Batch()
        self.batch_bytes = 0
        self.batch_records = 0
        self._rejection: str | None = None
        self._nul_stripper = RowEncoder([])
        self._max_bytes = self.settings.batch_max_bytes

    def get_validator(self) -> FastValidator | None:
        if not self.validate_schema:
            return None
        try:
            return FastValidator(self.schema)
        except InvalidJSONSchema as exc:
            msg = f"SCHEMA message of stream {self.stream_name!r} is not a valid JSON schema: {exc}"
            raise InvalidJSONSchema(msg) from None

    def _validate_and_parse(self, record: dict) -> dict:
        # Values stay strings: PostgreSQL parses dates itself, so the SDK's datetime parsing
        # is skipped; the validator checks the date formats.
        self._rejection = None
        if self._validator is None:
            return record
        try:
            self._validator.validate(record)
        except InvalidRecord as exc:
            message = exc.error_message.replace(NUL, "")
            self._rejection = self.refused(message, "does not match its schema")
        return record

    def _singer_validate_message(self, record: dict) -> None:
        """The SDK's check that the key properties are there, and that PostgreSQL can store
        them: not null (key columns are NOT NULL) and without NUL characters (removing them
        could make two keys one)."""
        if self._rejection is None:
            problem = key_problem(record, self._key_properties)
            if problem is not None:
                # The SDK's own error when a key is not there (its standard tests expect it).
                missing = NUL not in problem
                self._rejection = self.refused(problem, missing_key=missing)

    def refused(
        self, reason: str, what: str = "cannot be stored", missing_key: bool = False
    ) -> str:
        """`reason`, for setting the record aside; with `on_invalid_record: fail`, the end of
        the run, with an error naming the stream."""
        if self.settings.on_invalid_record == "fail":
            msg = f"A record of stream {self.stream_name!r} {what}: {reason}"
            if missing_key:
                raise MissingKeyPropertiesError(msg)
            raise InvalidRecord(msg, {})
        return reason

    def process_record(self, record: dict, context: dict) -> None:
        if self._rejection is None:
            try:
                self.accept(record)
            except UnstorableValueError as exc:
                self._rejection = self.refused(str(exc))
            else:
                self.batch_records += 1
                return
        self.note_rejected(record)
        self.set_aside(self.rejected_json(record), self._rejection)

    def set_aside_unreadable(self, record_text: str, reason: str) -> None:
        """A record the reader could not read as JSON values: stored as its JSON text."""
        self.set_aside(dump_json(record_text), self.refused(reason))
        self.note_rejected(None)
        self.tally_record_read()

    def note_rejected(self, record: dict | None) -> None:
        """A record (None: one that could not be read) is being set aside."""

    def set_aside(self, record_json: str, reason: str) -> None:
        self.batch.rejected.append((record_json, reason))
        self.batch_bytes += len(record_json)
        self.run.log_rejection(self.stream_name, reason)

    def rejected_json(self, record: dict) -> str:
        """The record as JSON for the rejected records table (NULs in values removed)."""
        try:
            return self._stripped_json(record)
        except RecursionError:
            pass
        try:
            return on_fresh_stack(self._stripped_json, record)
        except RecursionError:
            return dump_json(f"(not stored: {NESTED_TOO_DEEP})")

    def _stripped_json(self, record: dict) -> str:
        text = dump_json(record)
        if JSON_NUL not in text:
            return text
        try:
            return dump_json(self._nul_stripper.strip_nuls(record))
        except RecursionError:
            return text  # insert_rejected stores it as JSON text

    def accept(self, record: dict) -> None:
        """Buffer a valid record; raises UnstorableValueError for one PostgreSQL would refuse."""
        raise NotImplementedError

    @property
    def is_full(self) -> bool:
        rows = self.batch_records + len(self.batch.rejected)
        return rows >= self.max_size or self.batch_bytes >= self._max_bytes

    def has_work(self) -> bool:
        return bool(self.batch_records or self.batch.rejected)

    def process_batch(self, context: dict) -> None:
        self.flush()

    def flush(self) -> None:
        raise NotImplementedError

    def _insert_rejected(
        self, cur: psycopg2.extensions.cursor, rejected: Sequence[tuple[str, str]]
    ) -> None:
        self.run.insert_rejected(cur, self.stream_name, list(rejected))

    def _start_next_batch(self) -> None:
        self.batch = Batch()
        self.batch_bytes = 0
        self.batch_records = 0


class TableSink(ValidatingSink):
    """Loads a stream into its table; may be a parent or a replaced-as-a-set child."""

    def setup(self) -> None:
        self.run.before_table_change(self.stream_name)
        self.version: int | None = self.run.versions.activated.get(self.stream_name)
        self._configure()
        self.replace_set = self.settings.replace_sets.get(self.stream_name)
        self.is_parent = bool(self.run.children_of(self.stream_name))
        self._rows_by_parent: dict[tuple, list[int]] = {}
        self._warned_fields: set[str] = set()

    def _configure(self) -> None:
        """The table (created or brought up to date) and how rows are written into it."""
        properties: dict[str, Any] = self.schema.get("properties") or {}
        shape = StreamShape(
            self.stream_name,
            self.schema,
            tuple(self.key_properties),
            self.run.replication_key_of(self.stream_name),
        )
        self.spec: TableSpec = stream_table_spec(shape, self.settings)
        self.run.refuse_reserved(self.stream_name, self.spec)
        if self.version is not None:
            self.spec = with_version_columns(self.spec, self.settings.hard_delete)
        types = ensure_table(self.run.db, self.spec, self.settings)
        names = column_names(self.stream_name, properties)
        fields = [(name, names[name]) for name in properties]
        if self.version is not None:
            fields += [(column.name, column.name) for column in self._version_columns()]
        self.encoder = RowEncoder([(name, types[column]) for name, column in fields])
        self.known_fields = set(properties)
        replication_key = shape.replication_key
        self.load = TableLoad(
            table=self.run.stage_for(self.stream_name, self.spec, types),
            columns=[column for _, column in fields],
            primary_key=self.spec.primary_key,
            replication_column=fit_identifier(replication_key)
            if replication_key in properties
            else None,
            upsert=self.settings.load_method != "append-only",
            column_types=types,
        )
        keyed_upsert = self.load.upsert and bool(self.spec.primary_key)
        self.latest = (
            LatestByKey(self.key_properties, self.load.replication_column and replication_key)
            if keyed_upsert
            else None
        )

    def _version_columns(self) -> list[Column]:
        return version_columns(self.settings.hard_delete)

    def use_version(self, version: int) -> None:
        """Rows from now on belong to `version` (ACTIVATE_VERSION, or a record's `version`)."""
        if self.version is None:
            # The table gains the version columns: what is buffered goes in without them first.
            self.run.drain_sink(self)
            self.version = version
            self._configure()
        self.version = version

    def accept(self, record: dict) -> None:
        if not self.known_fields.issuperset(record):
            self._warn_unknown_fields(record)
        if self.version is not None:
            record[VERSION_COLUMN] = self.version
            record[DELETED_AT_COLUMN] = None  # a row that comes back is no longer deleted
        lines = self.batch.lines
        try:
            line = self._encode(record)
        except UnstorableValueError:
            if self.version is not None:  # set aside as it came
                del record[VERSION_COLUMN], record[DELETED_AT_COLUMN]
            raise
        if self.latest is not None:
            obsolete = self.latest.admit(record, len(lines))
            if obsolete == len(lines):
                return
            if obsolete is not None:
                lines[obsolete] = None
        if self.replace_set is not None:
            parent = tuple(record.get(key) for key in self.replace_set.parent_keys)
            self._rows_by_parent.setdefault(parent, []).append(len(lines))
        lines.append(line)
        self.batch_bytes += len(line)
        if self.is_parent:
            self.run.note_parent(self.stream_name, record)

    def _encode(self, record: dict) -> str:
        nul_removed = self.encoder.nul_removed
        try:
            try:
                return self.encoder.encode(record)
            except RecursionError:
                return on_fresh_stack(self.encoder.encode, record)
        except RecursionError:
            self.encoder.nul_removed = nul_removed
            raise UnstorableValueError(NESTED_TOO_DEEP) from None
        except UnstorableValueError:
            self.encoder.nul_removed = nul_removed  # the record is stored as it came
            raise

    def supersede(self, parent: tuple) -> None:
        """A new version of `parent` arrived: its buffered children belong to the old one."""
        for index in self._rows_by_parent.pop(parent, ()):
            self.batch.lines[index] = None

    def has_work(self) -> bool:
        return super().has_work() or self.run.replacements.has(self.stream_name)

    def flush(self) -> None:
        """Hand the batch to the database's worker thread; the next one starts filling."""
        replacements = self.run.replacements
        parents = replacements.take(self.stream_name) if self.replace_set else []
        columns = replacements.parent_columns(self.stream_name) if parents else []
        target_load = self.load  # the job may run after a new version changed self.load
        batch, records, rejected = self.batch, self.batch_records, len(self.batch.rejected)
        nul_removed = self.encoder.nul_removed + self._nul_stripper.nul_removed
        self.encoder.nul_removed = self._nul_stripper.nul_removed = 0
        self._rows_by_parent = {}
        if self.latest is not None:
            self.latest.clear()
        self._start_next_batch()
        encoder, set_aside = self.encoder, self.settings.on_invalid_record == "reject"

        def job() -> None:
            timeout = self.settings.statement_timeout_seconds
            refused: list[tuple[int, str]] = []
            with self.run.db.transaction(timeout, what=f"loading {self.spec.name}") as cur:
                if parents:
                    delete_children(cur, target_load.table, columns, parents)
                if records and set_aside:
                    refused = load_setting_aside(cur, target_load, batch.lines)
                elif records:
                    load(cur, target_load, batch.lines)
                refused_rows = [(_line_json(encoder, batch.lines[i]), why) for i, why in refused]
                for index, _ in refused:
                    self.note_rejected(_line_record(encoder, batch.lines[index]))
                self._insert_rejected(cur, [*batch.rejected, *refused_rows])
            for _, reason in refused:
                self.run.log_rejection(self.stream_name, reason)
            loaded, set_apart = records - len(refused), rejected + len(refused)
            self.run.sync_log.totals.add(self.stream_name, loaded, set_apart, nul_removed)
            if loaded:  # rows PostgreSQL refused do not make a stream's data (`overwrite`)
                self.run.overwrites.streams_with_rows.add(self.stream_name)

        self.run.db.later(job)

    def note_rejected(self, record: dict | None) -> None:
        """Its row, if any, keeps its version's old values: not retired (versions.py)."""
        keys = None if record is None else tuple(record.get(k) for k in self.key_properties)
        self.run.versions.keep(self.stream_name, keys)

    def _warn_unknown_fields(self, record: dict) -> None:
        for name in record.keys() - self.known_fields - self._warned_fields:
            self.logger.warning("Field %r is not in the schema of %s: not loaded", name, self)
            self._warned_fields.add(name)


class SoftDeleteSink(ValidatingSink):
    """Sets `deleted_at` on another stream's table for each record's key."""

    def setup(self) -> None:
        spec = self.settings.soft_deletes[self.stream_name]
        self.spec = spec
        self.table = table_name(
            spec.target_stream, self.settings.table_prefix, self.settings.table_names
        )
        self.key_columns = [fit_identifier(key) for key in spec.keys]
        self.deleted_at_column = fit_identifier(spec.deleted_at_property)
        self._rows: dict[tuple, dict[str, Any]] = {}

    def accept(self, record: dict) -> None:
        key = tuple(usable_id(name, record.get(name)) for name in self.spec.keys)
        row: dict[str, Any] = dict(zip(self.key_columns, key, strict=True))
        deleted_at = record.get(self.spec.deleted_at_property)
        if deleted_at.__class__ is str and NUL in deleted_at:
            raise UnstorableValueError(f"{self.spec.deleted_at_property} holds a NUL character")
        row[self.deleted_at_column] = deleted_at
        self._rows[key] = row

    def flush(self) -> None:
        # The rows to mark may still be buffered in the target stream's sink.
        self.run.drain_stream(self.spec.target_stream)
        table = self.run.table_ident(self.table)
        timeout = self.settings.statement_timeout_seconds
        with self.run.db.transaction(timeout, what=f"marking deleted rows of {self.table}") as cur:
            rows = list(self._rows.values())
            refused: list[tuple[int, str]] = []
            if table_exists(cur, table):
                add_column(cur, table, self.deleted_at_column, "timestamptz")
                refused = self._mark(cur, table, rows)
                staged = self.run.overwrites.staged.get(self.table)
                if staged is not None:  # `overwrite`: the rows that will replace the table's
                    refused += self._mark_staged(cur, staged.stage.ident, rows, refused)
            elif rows:
                self._keep_unapplied(rows)
            refused_rows = [(dump_json(rows[i]), reason) for i, reason in refused]
            self._insert_rejected(cur, [*self.batch.rejected, *refused_rows])
        for _, reason in refused:
            self.run.log_rejection(self.stream_name, reason)
        self._rows = {}
        nul_removed = self._nul_stripper.nul_removed
        self._nul_stripper.nul_removed = 0
        totals = self.run.sync_log.totals
        records, rejected = self.batch_records - len(refused), len(self.batch.rejected)
        totals.add(self.stream_name, records, rejected + len(refused), nul_removed)
        self._start_next_batch()

    def _mark(
        self, cur: psycopg2.extensions.cursor, table: Any, rows: list[dict[str, Any]]
    ) -> list[tuple[int, str]]:
        """Mark the rows deleted; returns the ones PostgreSQL refused (when they are set aside)."""
        columns, deleted_at = self.key_columns, self.deleted_at_column
        marked = self.run.sync_log.totals.marked_deleted
        if self.settings.on_invalid_record == "fail":
            marked[self.table] += soft_delete(cur, table, columns, deleted_at, rows)
            return []

        def attempt(part: list[int], first: Any) -> None:
            cur.execute(first)
            # Counted only when it succeeds: a refused part is rolled back and retried.
            marked[self.table] += soft_delete(
                cur, table, columns, deleted_at, [rows[i] for i in part]
            )

        return load_isolating(cur, attempt, list(range(len(rows))))

    def _mark_staged(
        self,
        cur: psycopg2.extensions.cursor,
        stage: Any,
        rows: list[dict[str, Any]],
        refused: list[tuple[int, str]],
    ) -> list[tuple[int, str]]:
        """Mark the rows in the staging table too (all but those already refused); returns the
        ones it refused in addition, as indexes into `rows`."""
        add_column(cur, stage, self.deleted_at_column, "timestamptz")
        set_aside = {index for index, _ in refused}
        kept = [index for index in range(len(rows)) if index not in set_aside]
        more = self._mark(cur, stage, [rows[index] for index in kept])
        return [(kept[index], reason) for index, reason in more]

    def _keep_unapplied(self, rows: list[dict[str, Any]]) -> None:
        """No table to mark yet: keep the deletions, as rejected records, rather than lose them."""
        error = f"table {self.table} does not exist: deletion not applied"
        self.logger.warning("%s (%d records of %s)", error, len(rows), self.stream_name)
        self.batch.rejected += [(dump_json(row), error) for row in rows]


def usable_id(name: str, value: Any) -> Any:
    """An id a deletion stream names a row by; raises UnstorableValueError (the record is set
    aside) for one that names no row: null or missing, or holding a NUL character (PostgreSQL
    cannot take it: it ended the run)."""
    if value is None:
        raise UnstorableValueError(f"{name} is null or missing: no row to mark")
    if value.__class__ is str and NUL in value:
        raise UnstorableValueError(f"{name} holds a NUL character, which PostgreSQL cannot store")
    return value


def key_problem(record: dict[str, Any], keys: Sequence[str]) -> str | None:
    """Why PostgreSQL cannot store the record's key, if it cannot."""
    for key in keys:
        value = record.get(key)
        if value is None:
            return f"key property {key!r} is {'null' if key in record else 'missing'}"
        if value.__class__ is str and NUL in value:
            return f"key property {key!r} holds a NUL character, which PostgreSQL cannot store"
        if value.__class__ is str and REPLACEMENT_CHARACTER in value:
            # The reader turns half a UTF-16 pair into U+FFFD (reader.py): two keys that differ
            # only there would become one row. Set aside, like a NUL, rather than merge them.
            return (
                f"key property {key!r} holds U+FFFD (half a UTF-16 pair, or a replacement "
                "character sent as such): two different keys could become one"
            )
    return None


def _line_record(encoder: RowEncoder, line: str | None) -> dict | None:
    """A refused row back as a record, None when it cannot be read back."""
    try:
        return encoder.decode(line or "")
    except (RecursionError, ValueError):
        return None


def _line_json(encoder: RowEncoder, line: str | None) -> str:
    """A refused row back as JSON, for the rejected records table."""
    try:
        return dump_json(encoder.decode(line or ""))
    except (RecursionError, ValueError):
        return dump_json(line)
