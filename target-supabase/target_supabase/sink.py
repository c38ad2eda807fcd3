"""Sinks: each stream's records, validated, encoded and loaded one transaction per batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import psycopg2.extensions
from singer_sdk.exceptions import InvalidRecord
from singer_sdk.sinks import BatchSink

from target_supabase.catalog import ensure_table, table_exists
from target_supabase.encoding import NUL, RowEncoder, dump_json
from target_supabase.latest import LatestByKey
from target_supabase.loader import (
    Batch,
    TableLoad,
    add_column,
    delete_children,
    insert_rejected,
    load,
    soft_delete,
    truncate,
)
from target_supabase.names import fit_identifier, table_name
from target_supabase.table_spec import StreamShape, TableSpec, stream_table_spec
from target_supabase.validation import FastValidator

if TYPE_CHECKING:
    from target_supabase.target import TargetSupabase


class ValidatingSink(BatchSink):
    """Validation with rejection instead of failure (unless `on_invalid_record: fail`)."""

    def __init__(
        self,
        target: TargetSupabase,
        stream_name: str,
        schema: dict,
        key_properties: Sequence[str] | None,
    ) -> None:
        self.owner = target
        self.settings = target.settings
        super().__init__(target, stream_name, schema, key_properties)
        self.batch = Batch()
        self.batch_bytes = 0
        self.batch_records = 0
        self._rejection: str | None = None
        self._nul_stripper = RowEncoder([])
        self._max_bytes = int(self.config.get("batch_max_bytes") or 64 * 1024 * 1024)

    def get_validator(self) -> FastValidator | None:
        return FastValidator(self.schema) if self.validate_schema else None

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
            if self.settings.on_invalid_record == "fail":
                msg = (
                    f"A record of stream {self.stream_name!r} does not match its schema: {message}"
                )
                raise InvalidRecord(msg, record) from None
            self._rejection = message
        return record

    def _singer_validate_message(self, record: dict) -> None:
        if self._rejection is None:
            super()._singer_validate_message(record)

    def process_record(self, record: dict, context: dict) -> None:
        if self._rejection is not None:
            text = dump_json(self._nul_stripper.strip_nuls(record))
            self.batch.rejected.append((text, self._rejection))
            self.batch_bytes += len(text)
            self.owner.log_rejection(self.stream_name, self._rejection)
            return
        self.batch_records += 1
        self.accept(record)

    def accept(self, record: dict) -> None:
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
        insert_rejected(
            cur, self.owner.rejected_table, self.owner.sync_log.row_id, self.stream_name, rejected
        )

    def _start_next_batch(self) -> None:
        self.batch = Batch()
        self.batch_bytes = 0
        self.batch_records = 0


class TableSink(ValidatingSink):
    """Loads a stream into its table; may be a parent or a replaced-as-a-set child."""

    def setup(self) -> None:
        self.owner.before_table_change(self.stream_name)
        properties: dict[str, Any] = self.schema.get("properties") or {}
        shape = StreamShape(
            self.stream_name,
            self.schema,
            tuple(self.key_properties),
            self.owner.replication_key_of(self.stream_name),
        )
        self.spec: TableSpec = stream_table_spec(shape, self.settings)
        types = ensure_table(self.owner.db, self.spec, self.settings)
        columns = [fit_identifier(name) for name in properties]
        self.encoder = RowEncoder(
            [(name, types[column]) for name, column in zip(properties, columns, strict=True)]
        )
        self.known_fields = set(properties)
        replication_key = shape.replication_key
        self.load = TableLoad(
            table=self.spec.ident,
            columns=columns,
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
        self.replace_set = self.settings.replace_sets.get(self.stream_name)
        self.is_parent = bool(self.owner.children_of(self.stream_name))
        self._rows_by_parent: dict[tuple, list[int]] = {}
        self._warned_fields: set[str] = set()

    def accept(self, record: dict) -> None:
        if not self.known_fields.issuperset(record):
            self._warn_unknown_fields(record)
        lines = self.batch.lines
        line = self.encoder.encode(record)
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
            self.owner.note_parent(self.stream_name, record)

    def supersede(self, parent: tuple) -> None:
        """A new version of `parent` arrived: its buffered children belong to the old one."""
        for index in self._rows_by_parent.pop(parent, ()):
            self.batch.lines[index] = None

    def has_work(self) -> bool:
        return super().has_work() or self.owner.replacements.has(self.stream_name)

    def flush(self) -> None:
        """Hand the batch to the database's worker thread; the next one starts filling."""
        replacements = self.owner.replacements
        parents = replacements.take(self.stream_name) if self.replace_set else []
        columns = replacements.parent_columns(self.stream_name) if parents else []
        overwrite = self.owner.needs_truncate(self.spec)
        if overwrite:
            self.owner.truncated(self.spec)  # by the first batch's job, before any other
        batch, records, rejected = self.batch, self.batch_records, len(self.batch.rejected)
        nul_removed = self.encoder.nul_removed + self._nul_stripper.nul_removed
        self.encoder.nul_removed = self._nul_stripper.nul_removed = 0
        self._rows_by_parent = {}
        if self.latest is not None:
            self.latest.clear()
        self._start_next_batch()

        def job() -> None:
            timeout = self.settings.statement_timeout_seconds
            with self.owner.db.transaction(timeout, what=f"loading {self.spec.name}") as cur:
                if overwrite:
                    truncate(cur, self.spec.ident)
                if parents:
                    delete_children(cur, self.spec.ident, columns, parents)
                if records:
                    load(cur, self.load, batch.lines)
                self._insert_rejected(cur, batch.rejected)
            self.owner.sync_log.totals.add(self.stream_name, records, rejected, nul_removed)

        self.owner.db.later(job)

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
        key = tuple(record.get(name) for name in self.spec.keys)
        row = dict(zip(self.key_columns, key, strict=True))
        row[self.deleted_at_column] = record.get(self.spec.deleted_at_property)
        self._rows[key] = row

    def flush(self) -> None:
        # The rows to mark may still be buffered in the target stream's sink.
        self.owner.drain_stream(self.spec.target_stream)
        table = self.owner.table_ident(self.table)
        timeout = self.settings.statement_timeout_seconds
        with self.owner.db.transaction(
            timeout, what=f"marking deleted rows of {self.table}"
        ) as cur:
            rows = list(self._rows.values())
            if table_exists(cur, table):
                add_column(cur, table, self.deleted_at_column, "timestamptz")
                marked = soft_delete(cur, table, self.key_columns, self.deleted_at_column, rows)
                self.owner.sync_log.totals.marked_deleted[self.table] += marked
            elif rows:
                self._keep_unapplied(rows)
            self._insert_rejected(cur, self.batch.rejected)
        self._rows = {}
        nul_removed = self._nul_stripper.nul_removed
        self._nul_stripper.nul_removed = 0
        totals = self.owner.sync_log.totals
        totals.add(self.stream_name, self.batch_records, len(self.batch.rejected), nul_removed)
        self._start_next_batch()

    def _keep_unapplied(self, rows: list[dict[str, Any]]) -> None:
        """No table to mark yet: keep the deletions, as rejected records, rather than lose them."""
        error = f"table {self.table} does not exist: deletion not applied"
        self.logger.warning("%s (%d records of %s)", error, len(rows), self.stream_name)
        self.batch.rejected += [(dump_json(row), error) for row in rows]
